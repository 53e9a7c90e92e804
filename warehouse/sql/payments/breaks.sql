-- Reconciliation breaks of the three money rails, as of $as_of (docs/payments.md).
-- grain: one row per break. key: break_key = break_class || ':' || ref, stable across
-- reruns, so a break keeps its case (dashboard/payments/recon.py).
--
-- Gateways: order ↔ payment ↔ settlement line ↔ settlement batch ↔ bank credit.
-- Counter:  order ↔ gateway log of the counter payment ↔ bank bill-payment record (Ref1)
--           ↔ the bank's credit of the day's bill payments (BILL-<bank>-<YYYYMMDD>).
-- COD:      delivered COD shipment (501) ↔ branch remittance ↔ bank credit (deposit ref).
--
-- Lags count Thai business days (mart_business_day); fees, VAT and lags come from the
-- dated contracts (ref_gateway_contract) in force on the payment's day. Amounts agree
-- when they differ by at most greatest($tol_thb, $tol_pct % of the amount).
--
-- $since: only the breaks whose occurred_on is on or after this day (1900-01-01: all).
-- Each fact is read once (the materialized CTEs below); the lines marked `-- narrow`
-- keep an incremental run to the rows that can make such a break, and a run over
-- everything drops them (dashboard/payments/recon.py: they would test every row against
-- every row). Each break is the one a run over everything finds.
with bd as materialized (
    select date_day, is_business_day, business_day_seq, roll_seq
    from lake.mart_business_day
),

business_seq as (
    select business_day_seq, date_day from bd where is_business_day
),

seller as (
    select seller_id, province_code from lake.dim_seller
),

-- ------------------------------------------------------------------ the facts, read once
pay as materialized (
    select
        transaction_id, order_id, gateway, channel, txn_type, status, amount_thb, paid_at,
        cast(paid_at as date) as paid_on
    from lake.fct_payment
),

stl as materialized (
    select
        transaction_id, settlement_batch_id, merchant_order_ref, gateway, txn_type,
        gross_thb, fee_thb, fee_vat_thb, net_thb + coalesce(withholding_thb, 0) as due_thb,
        settled_on, cast(coalesce(paid_at, created_at) as date) as txn_on
    from lake.fct_settlement
),

cp as materialized (
    select bank_code, bank_ref, ref1, amount_thb, paid_at, counter_branch_code
    from lake.fct_counter_payment
),

cod_ship as materialized (
    select tracking_no, order_id, cod_amount_thb, dest_branch_code, delivered_at
    from lake.fct_shipment
    where is_cod
),

remit as materialized (
    select tracking_no, branch_code, amount_thb, remitted_at, deposit_ref
    from lake.fct_cod_remittance
),

-- ------------------------------------------------------------------ gateways
gw_txn as materialized (
    select
        p.transaction_id,
        p.order_id,
        p.gateway,
        p.txn_type,
        p.amount_thb,
        p.paid_on,
        c.settlement_lag_days,
        b.roll_seq
    from pay p
    join bd b on b.date_day = p.paid_on
    left join lake.ref_gateway_contract c
        on c.gateway = p.gateway
        and p.paid_on >= c.valid_from_on
        -- an open end as a far date, not an "or": a join on the gateway, not a loop
        and p.paid_on < coalesce(c.valid_to_on, date '9999-12-31')
    where p.status = 'success'
      and p.txn_type in ('charge', 'refund', 'chargeback')
      and p.channel not in ('counter', 'cod')
      and p.paid_at >= cast($since as timestamp)
),

gw_due as (
    select t.*, e.date_day as expected_on, d.date_day as due_on
    from gw_txn t
    left join business_seq e on e.business_day_seq = t.roll_seq + t.settlement_lag_days
    left join business_seq d
        on d.business_day_seq = t.roll_seq + t.settlement_lag_days + $grace_days
),

-- the settled transactions: those of the gateway payments above, and (an orphan's
-- candidates) those with a line settled on or after $since
line_by_txn as (
    select
        transaction_id,
        min(settled_on) as settled_on,
        -- a transaction's few lines fit 18 digits: 64-bit sums and compares, not 128-bit
        cast(sum(gross_thb) as decimal(18, 2)) as gross_thb
    from stl
    where true
      and (transaction_id in (select transaction_id from gw_txn) or settled_on >= $since)  -- narrow
    group by transaction_id
),

-- one join both ways: a payment without its line, a line without its gateway payment
txn_line as materialized (
    select g.*, l.transaction_id as line_txn_id, l.settled_on, l.gross_thb
    from gw_due g
    full join line_by_txn l on l.transaction_id = g.transaction_id
),

gw_matched as (
    select * exclude (line_txn_id) from txn_line where transaction_id is not null
),

gw_missing as (
    select
        'missing_settlement' as break_class, 'gateway' as rail, transaction_id as ref,
        order_id, null as branch_code, amount_thb as amount_thb, paid_on as occurred_on,
        due_on, 'expected on ' || cast(expected_on as varchar) as detail
    from gw_matched
    where settled_on is null and due_on <= $as_of
),

gw_late as (
    select
        'late_settlement', 'gateway', transaction_id, order_id, null, amount_thb, paid_on,
        due_on, 'expected on ' || cast(expected_on as varchar) || ', settled on '
            || cast(settled_on as varchar)
    from gw_matched
    where settled_on > due_on
),

gw_amount as (
    select
        'amount_mismatch', 'gateway', transaction_id, order_id, null,
        abs(abs(gross_thb) - amount_thb),
        paid_on, settled_on,
        'paid ' || cast(amount_thb as varchar) || ', settled gross '
            || cast(gross_thb as varchar)
    from gw_matched
    where settled_on is not null
      -- refund and chargeback lines carry the gross as a positive figure in the feed and
      -- negative in some gateways' reports: the size is compared, the net says the sign
      and abs(abs(gross_thb) - amount_thb) > greatest($tol_thb, $tol_pct / 100 * amount_thb)
),

fee_check as (
    select
        s.transaction_id,
        s.merchant_order_ref as order_id,
        s.settled_on,
        s.fee_thb,
        s.fee_vat_thb,
        round(s.gross_thb * c.fee_percent * 0.01, 2) as contract_fee_thb,
        round(round(s.gross_thb * c.fee_percent * 0.01, 2) * c.vat_percent * 0.01, 2)
            as contract_vat_thb,
        round(s.fee_thb * c.vat_percent * 0.01, 2) as vat_on_fee_thb
    from stl s
    join lake.ref_gateway_contract c
        on c.gateway = s.gateway
        and s.txn_on >= c.valid_from_on
        and s.txn_on < coalesce(c.valid_to_on, date '9999-12-31')
    where s.txn_type = 'charge' and s.settled_on >= $since
),

gw_fee as (
    select
        'fee_variance', 'gateway', transaction_id, order_id, null,
        abs(fee_thb + fee_vat_thb - contract_fee_thb - contract_vat_thb), settled_on,
        settled_on,
        'fee ' || cast(fee_thb as varchar) || ' + VAT ' || cast(fee_vat_thb as varchar)
            || ', contract ' || cast(contract_fee_thb as varchar) || ' + '
            || cast(contract_vat_thb as varchar)
    from fee_check
    where abs(fee_thb - contract_fee_thb) > $fee_tol_thb
       or abs(fee_vat_thb - vat_on_fee_thb) > $fee_tol_thb
),

-- the lines of no gateway transaction: found first, their orders looked up after
-- settled transactions of no successful gateway payment, less those of another payment
-- (a counter one, a failed one): what is left has no payment at all
line_unmatched as (
    select line_txn_id as transaction_id from txn_line where transaction_id is null
),

orphan_txn as (
    select transaction_id from line_unmatched
    except
    select transaction_id from pay
    where transaction_id in (select transaction_id from line_unmatched)
),

orphan_line as (
    select s.transaction_id, s.merchant_order_ref, s.gross_thb, s.settled_on,
        s.settlement_batch_id
    from stl s
    semi join orphan_txn o on o.transaction_id = s.transaction_id
    where s.settled_on >= $since
),

batch as (
    select
        settlement_batch_id as reference,
        min(settled_on) as value_on,
        sum(due_thb) as expected_thb
    from stl
    where true
      and settlement_batch_id in (  -- narrow
          select settlement_batch_id from stl where settled_on >= $since  -- narrow
      )  -- narrow
    group by settlement_batch_id
    having min(settled_on) >= $since
),

-- ------------------------------------------------------------------ counter
counter_txn as materialized (
    select
        p.transaction_id, p.order_id, p.amount_thb, p.paid_on,
        d.date_day as due_on
    from pay p
    join bd b on b.date_day = p.paid_on
    left join business_seq d on d.business_day_seq = b.roll_seq + 1 + $grace_days
    where p.status = 'success' and p.txn_type = 'charge' and p.channel = 'counter'
      and p.paid_at >= cast($since as timestamp)
),

counter_first as materialized (
    select ref1, arg_min(amount_thb, paid_at) as amount_thb,
        arg_min(counter_branch_code, paid_at) as branch_code
    from cp
    where ref1 in (select order_id from counter_txn)
    group by ref1
),

counter_missing as (
    select
        'missing_settlement', 'counter', t.transaction_id, t.order_id, null, t.amount_thb,
        t.paid_on, t.due_on, 'no bill-payment record for Ref1 ' || t.order_id
    from counter_txn t
    left join counter_first c on c.ref1 = t.order_id
    where c.ref1 is null and t.due_on <= $as_of
),

counter_amount as (
    select
        'amount_mismatch', 'counter', t.transaction_id, t.order_id, c.branch_code,
        abs(c.amount_thb - t.amount_thb), t.paid_on, t.paid_on,
        'paid ' || cast(t.amount_thb as varchar) || ', bank record '
            || cast(c.amount_thb as varchar)
    from counter_txn t
    join counter_first c on c.ref1 = t.order_id
    where abs(c.amount_thb - t.amount_thb) > greatest($tol_thb, $tol_pct / 100 * t.amount_thb)
),

counter_since as (
    select * from cp where paid_at >= cast($since as timestamp)
),

-- the bank's credit of a day's bill payments, with the day it is due
bill_ref as materialized (
    select
        'BILL-' || c.bank_code || '-' || strftime(c.paid_on, '%Y%m%d') as reference,
        v.date_day as value_on,
        c.amount_thb
    from (
        select bank_code, cast(paid_at as date) as paid_on, sum(amount_thb) as amount_thb
        from cp
        group by bank_code, cast(paid_at as date)
    ) c
    join bd b on b.date_day = c.paid_on
    join business_seq v on v.business_day_seq = b.roll_seq + $counter_lag_days
),

bill_day as (
    select reference, value_on, amount_thb as expected_thb
    from bill_ref
    where value_on >= $since
),

-- ------------------------------------------------------------------ COD
cod_delivered as materialized (
    select
        s.tracking_no, s.order_id, s.cod_amount_thb, s.dest_branch_code,
        cast(s.delivered_at as date) as delivered_on, d.date_day as due_on
    from cod_ship s
    join bd b on b.date_day = cast(s.delivered_at as date)
    left join business_seq d on d.business_day_seq = b.roll_seq + $cod_limit_days
    where s.delivered_at >= cast($since as timestamp)
),

cod_remit as materialized (
    select * from remit
    where true
      and tracking_no in (select tracking_no from cod_delivered)  -- narrow
),

cod_not_remitted as (
    select
        'cod_not_remitted', 'cod', d.tracking_no, d.order_id, d.dest_branch_code,
        d.cod_amount_thb, d.delivered_on, d.due_on, 'due by ' || cast(d.due_on as varchar)
    from cod_delivered d
    anti join cod_remit r using (tracking_no)
    where d.due_on < $as_of
),

cod_amount as (
    select
        'amount_mismatch', 'cod', d.tracking_no, d.order_id, r.branch_code,
        abs(r.amount_thb - d.cod_amount_thb), d.delivered_on, cast(r.remitted_at as date),
        'collected ' || cast(d.cod_amount_thb as varchar) || ', remitted '
            || cast(r.amount_thb as varchar)
    from cod_delivered d
    join cod_remit r using (tracking_no)
    where abs(r.amount_thb - d.cod_amount_thb)
        > greatest($tol_thb, $tol_pct / 100 * d.cod_amount_thb)
),

cod_orphan as (
    select
        'orphan_settlement', 'cod', r.tracking_no, null, r.branch_code, r.amount_thb,
        cast(r.remitted_at as date), cast(r.remitted_at as date),
        'no COD shipment ' || r.tracking_no
    from remit r
    anti join cod_ship s on s.tracking_no = r.tracking_no
    where r.remitted_at >= cast($since as timestamp)
),

deposit as (
    select
        deposit_ref as reference,
        cast(min(remitted_at) as date) as value_on,
        sum(amount_thb) as expected_thb,
        any_value(branch_code) as branch_code
    from remit
    where true
      and deposit_ref in (  -- narrow
          select deposit_ref from remit where remitted_at >= cast($since as timestamp)  -- narrow
      )  -- narrow
    group by deposit_ref
    having cast(min(remitted_at) as date) >= $since
),

-- ------------------------------------------------------------------ bank credits
expected_credit as (
    select 'gateway' as rail, reference, value_on, expected_thb, null as branch_code
    from batch where expected_thb > 0
    union all
    select 'counter', reference, value_on, expected_thb, null from bill_day
    union all
    select 'cod', reference, value_on, expected_thb, branch_code from deposit
),

credit as materialized (
    select bank_txn_id, reference, amount_thb, value_on, description
    from lake.fct_bank_credit
),

credit_by_ref as materialized (
    select reference, sum(amount_thb) as credited_thb, min(value_on) as value_on
    from credit
    where reference in (select reference from expected_credit)
    group by reference
),

credit_due as materialized (
    select e.*, d.date_day as due_on
    from expected_credit e
    join bd b on b.date_day = e.value_on
    left join business_seq d on d.business_day_seq = b.roll_seq + $grace_days
),

unfunded as (
    select
        'unfunded_batch', e.rail, e.reference, null, e.branch_code, e.expected_thb,
        e.value_on, e.due_on, 'no bank credit with reference ' || e.reference
    from credit_due e
    left join credit_by_ref c using (reference)
    where c.reference is null and e.due_on <= $as_of
),

credit_amount as (
    select
        'amount_mismatch', e.rail, e.reference, null, e.branch_code,
        abs(c.credited_thb - e.expected_thb), e.value_on, c.value_on,
        'expected ' || cast(e.expected_thb as varchar) || ', credited '
            || cast(c.credited_thb as varchar)
    from credit_due e
    join credit_by_ref c using (reference)
    where abs(c.credited_thb - e.expected_thb)
        > greatest($tol_thb, $tol_pct / 100 * e.expected_thb)
),

credit_scope as (
    select * from credit where value_on >= $since
),

-- every reference a credit may carry (whatever its day), among the credits of the scope
expected_any as (
    select settlement_batch_id as reference
    from stl
    where settlement_batch_id in (select reference from credit_scope)
    group by settlement_batch_id
    having sum(due_thb) > 0
    union
    select reference from bill_ref
    union
    select deposit_ref
    from remit
    where deposit_ref in (select reference from credit_scope)
),

orphan_credit as (
    select
        'orphan_credit', 'bank', c.bank_txn_id, null, null, c.amount_thb, c.value_on,
        c.value_on, coalesce(c.reference, '') || ' ' || coalesce(c.description, '')
    from credit_scope c
    left join expected_any e on e.reference = c.reference
    where e.reference is null
),

-- ------------------------------------------------------------------ across rails
-- every collection of an order: a gateway charge, a counter bill payment, a delivered
-- COD parcel
collection_all as (
    select order_id, amount_thb, paid_at as collected_at, 'gateway' as rail
    from pay
    where status = 'success' and txn_type = 'charge' and channel not in ('counter', 'cod')
    union all
    select ref1, amount_thb, paid_at, 'counter' from cp
    union all
    select order_id, cod_amount_thb, delivered_at, 'cod' from cod_ship
    where delivered_at is not null
),

-- the orders collected on or after $since: a duplicate's first collection may be one
collection as materialized (
    select * from collection_all
    where true
      and order_id in (  -- narrow
          select order_id from collection_all  -- narrow
          where collected_at >= cast($since as timestamp)  -- narrow
      )  -- narrow
),

-- the orders collected more than once (one count per order: most have one collection)
collected_twice as (
    select order_id from collection group by order_id having count(*) > 1
),

duplicate_group as materialized (
    select
        order_id,
        sum(amount_thb) - max(amount_thb) as amount_thb,
        min(collected_at) as first_at,
        max(collected_at) as last_at,
        count(*) as n,
        max(case when rail = 'cod' then 2 when rail = 'counter' then 1 else 0 end) as other
    from collection
    where order_id in (select order_id from collected_twice)
    group by order_id
    having count(*) > 1 and min(collected_at) >= cast($since as timestamp)
),

refund as (
    select transaction_id, order_id, amount_thb, paid_at
    from pay
    where txn_type = 'refund' and status = 'success'
      and paid_at >= cast($since as timestamp)
),

-- every way the refunds' orders were paid: a charge or COD in the gateway log, a counter
-- bill payment, a delivered COD parcel
charged as (
    select order_id from pay
    where status = 'success' and txn_type in ('charge', 'cod')
      and order_id in (select order_id from refund)
    union
    select ref1 from cp where ref1 in (select order_id from refund)
    union
    select order_id from cod_ship
    where delivered_at is not null and order_id in (select order_id from refund)
),

refund_orphan as (
    select
        'refund_without_charge', 'gateway', p.transaction_id, p.order_id, null, p.amount_thb,
        cast(p.paid_at as date), cast(p.paid_at as date), 'refund of an order never paid'
    from refund p
    left join charged c using (order_id)
    where c.order_id is null
),

chargeback as (
    select
        'chargeback', 'gateway', transaction_id, order_id, null, amount_thb,
        cast(paid_at as date), cast(paid_at as date), 'buyer disputed the charge'
    from pay
    where txn_type = 'chargeback' and status = 'success'
      and paid_at >= cast($since as timestamp)
),

-- the breaks whose class does not depend on an order being known
break_found as materialized (
    select * from gw_missing
    union all select * from gw_late
    union all select * from gw_amount
    union all select * from gw_fee
    union all select * from counter_missing
    union all select * from counter_amount
    union all select * from cod_not_remitted
    union all select * from cod_amount
    union all select * from cod_orphan
    union all select * from unfunded
    union all select * from credit_amount
    union all select * from orphan_credit
    union all select * from refund_orphan
    union all select * from chargeback
),

-- every order a break may name, looked up in one read of fct_order: the orders of the
-- breaks above, and the references the orphan and duplicate checks test
order_ref as (
    select order_id from break_found
    union
    select merchant_order_ref from orphan_line
    union
    select ref1 from counter_since
    union
    select order_id from duplicate_group
),

known_order as materialized (
    select order_id, seller_id
    from lake.fct_order
    where order_id in (select order_id from order_ref)
),

-- the classes that need to know whether an order exists
gw_orphan as (
    select
        'orphan_settlement', 'gateway', s.transaction_id, o.order_id, null, abs(s.gross_thb),
        s.settled_on, s.settled_on, 'batch ' || s.settlement_batch_id
    from orphan_line s
    left join known_order o on o.order_id = s.merchant_order_ref
),

counter_orphan as (
    select
        'orphan_settlement', 'counter', c.bank_code || ':' || c.bank_ref, null,
        c.counter_branch_code, c.amount_thb, cast(c.paid_at as date), cast(c.paid_at as date),
        'Ref1 ' || c.ref1 || ' is no order'
    from counter_since c
    anti join known_order o on o.order_id = c.ref1
),

duplicate as (
    -- across rails when one of its payments is not at a gateway
    select
        'duplicate_payment' as break_class,
        case when d.other = 2 then 'cod' when d.other = 1 then 'counter' else 'gateway' end
            as rail,
        d.order_id as ref, d.order_id, null,
        d.amount_thb, cast(d.first_at as date), cast(d.last_at as date),
        cast(d.n as varchar) || ' payments'
    from duplicate_group d
    semi join known_order o on o.order_id = d.order_id
),

all_breaks as (
    select * from break_found
    union all select * from gw_orphan
    union all select * from counter_orphan
    union all select * from duplicate
),

final as (
    select
        b.break_class || ':' || b.ref as break_key,
        b.break_class,
        b.rail,
        b.ref,
        b.order_id,
        o.seller_id,
        s.province_code,
        b.branch_code,
        cast(b.amount_thb as decimal(14, 2)) as amount_thb,
        b.occurred_on,
        b.due_on,
        b.detail
    from all_breaks b
    left join known_order o using (order_id)
    left join seller s on s.seller_id = o.seller_id
)

select * from final
order by break_key
