-- Payments (issue 9): the pages' marts. Small pre-aggregated tables the payments pages
-- read instead of the facts (tens of millions of rows on a large lake), written by the
-- writer: each money-feed load refreshes the days it can have changed, in its own
-- transaction; the demo and `postmart recon marts` refresh them whole
-- (etl/load/payment_marts.py, the statements in warehouse/sql/payments/marts/).
-- Until a first refresh (mart_pay_state is empty) the pages compute from the facts.
-- Figures are the same either way (tests/payments/test_marts.py).

-- grain: one row: the marts' refresh state (none before a first full refresh).
create table if not exists mart_pay_state (
    state_key varchar,          -- key: always 'payments'
    refreshed_at timestamp,
    refreshed_since_on date     -- the first day the last refresh recomputed
);

-- grain: one row per attempt day × channel × type × status × failure reason of fct_payment.
create table if not exists mart_pay_attempt_day (
    mart_key varchar,           -- key: day|channel|txn_type|status|failure_reason, nulls as ∅
    day date,                   -- cast(created_at as date)
    channel varchar,
    txn_type varchar,
    status varchar,
    failure_reason varchar,
    count_txn bigint,
    max_paid_on date            -- the newest cast(paid_at as date) of the group
);

-- grain: per rail and payment (or delivery, COD) day: one row per due day whose payments
-- the next link recorded at exactly their amount, and one row per other payment (ref).
-- due_base_seq is the business-day number the due day counts from (roll_seq + the rail's
-- lag; COD: roll_seq), so the grace and COD-limit settings still apply at read time.
create table if not exists mart_pay_statement (
    mart_key varchar,           -- key: rail|day|due_base_seq|is_recorded|ref, nulls as ∅
    rail varchar,
    day date,
    due_base_seq integer,
    is_recorded boolean,
    ref varchar,                -- null: the exact group; else the transaction or tracking no
    count_payments bigint,
    amount_thb decimal(18, 2),
    recorded_thb decimal(18, 2) -- abs(recorded), 0 when not recorded
);

-- grain: one row per rail per value day: the funding side of the daily statement
-- (warehouse/sql/payments/funding.sql's row of that day).
create table if not exists mart_pay_funding (
    rail varchar,               -- key
    day date,                   -- key
    gross_thb decimal(18, 2),
    fee_thb decimal(18, 2),
    fee_vat_thb decimal(18, 2),
    refunds_thb decimal(18, 2),
    withholding_thb decimal(18, 2),
    net_thb decimal(18, 2),
    netted_thb decimal(18, 2),
    credited_thb decimal(18, 2)
);

-- grain: one row per rail × settled day × lag in business days.
create table if not exists mart_pay_settle_lag (
    rail varchar,               -- key
    day date,                   -- key
    lag_business_days integer,  -- key
    count_settled bigint
);

-- grain: one row per gateway × settled day.
create table if not exists mart_pay_settle_fees (
    gateway varchar,            -- key
    day date,                   -- key
    count_charges bigint,
    gross_thb decimal(18, 2),
    fee_thb decimal(18, 2),
    fee_vat_thb decimal(18, 2),
    contract_fee_thb decimal(18, 2),
    contract_vat_thb decimal(18, 2),
    net_thb decimal(18, 2),
    fee_percent decimal(6, 3)
);

-- grain: one row per delivering branch × delivery day of COD cash not remitted.
create table if not exists mart_pay_cod_held (
    mart_key varchar,           -- key: branch_code|delivered_on, nulls as ∅
    branch_code varchar,
    delivered_on date,
    count_parcels bigint,
    custody_thb decimal(18, 2)
);

-- grain: one row per seller × day of first delivery of their prepaid delivered orders:
-- the money a payout run pays for (warehouse/sql/payments/payout_eligible.sql).
create table if not exists mart_pay_payout_day (
    seller_id varchar,          -- key
    delivered_on date,          -- key
    count_orders bigint,
    gross_thb decimal(18, 2),
    fee_thb decimal(18, 2),     -- the gateways' fee and its VAT
    refunds_thb decimal(18, 2),
    chargebacks_thb decimal(18, 2)
);

-- grain: one row per seller × order day with orders returned to the seller.
create table if not exists mart_pay_returned_day (
    seller_id varchar,          -- key
    ordered_on date,            -- key
    count_returned bigint
);
