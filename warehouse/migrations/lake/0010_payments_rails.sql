-- Payments (issue 9): the counter, COD and bank rails beside the gateways' settlements,
-- the payouts the bank returned, and the gateways' contracts as a dated table.
-- docs/feeds.md documents the feeds that fill them.

-- grain: one row per bill payment at a post-office counter or bank channel (a detail
-- record of a bank's fixed-width bill-payment file)
create table if not exists fct_counter_payment (
    bank_code varchar,          -- key with bank_ref
    bank_ref varchar,           -- the bank's own reference of the payment
    paid_at timestamp,
    ref1 varchar,               -- our order_id
    ref2 varchar,               -- seller or branch
    customer_name varchar,
    counter_branch_code varchar,
    counter_channel varchar,    -- counter, atm, internet, mobile
    amount_thb decimal(14, 2),
    file_on date,               -- the header's effective date
    source_file varchar
);

-- grain: one row per COD parcel a branch remitted the cash of
create table if not exists fct_cod_remittance (
    tracking_no varchar,        -- key
    branch_code varchar,
    amount_thb decimal(14, 2),
    collected_at timestamp,
    remitted_at timestamp,
    deposit_ref varchar,        -- the reference the bank credit carries
    source_file varchar
);

-- grain: one row per credit line of the programme's bank account statement
create table if not exists fct_bank_credit (
    bank_txn_id varchar,        -- key
    account_no varchar,
    value_on date,
    amount_thb decimal(14, 2),
    reference varchar,          -- settlement batch id, counter day or COD deposit
    description varchar,
    source_file varchar
);

-- grain: one row per payout the bank rejected
create table if not exists fct_payout_return (
    payout_id varchar,          -- key
    returned_on date,
    amount_thb decimal(14, 2),
    bank_code varchar,
    bank_account_no varchar,
    reason_code varchar,        -- account_closed, invalid_account, name_mismatch, account_frozen, other
    reason_text varchar,
    source_file varchar
);

-- grain: one row per gateway per contract period (fees, VAT and the settlement lag are
-- dated: VAT is held at 7 % by successive decrees, contracts are renegotiated)
create table if not exists ref_gateway_contract (
    gateway varchar,            -- key with valid_from_on
    valid_from_on date,
    valid_to_on date,           -- exclusive; null: still in force
    fee_percent decimal(6, 3),
    vat_percent decimal(5, 2),
    withholding_percent decimal(5, 2), -- withholding tax a gateway may deduct from the fee
    settlement_lag_days integer -- business days from payment to settlement
);

-- The settlement report line's withholding tax (3 % of the fee when the gateway deducts it),
-- so net = gross - fee - fee VAT + withholding is not a break.
alter table fct_settlement add column if not exists withholding_thb decimal(14, 2);

-- The contracts in force since the programme began (docs/payments.md).
insert into ref_gateway_contract values
    ('2C2P', date '2020-01-01', null, 3.650, 7.00, 0.00, 1),
    ('Opn', date '2020-01-01', null, 3.650, 7.00, 0.00, 2),
    ('GB Prime Pay', date '2020-01-01', null, 3.650, 7.00, 0.00, 2),
    ('KBank', date '2020-01-01', null, 3.650, 7.00, 0.00, 1),
    ('SCB', date '2020-01-01', null, 3.650, 7.00, 0.00, 1);
