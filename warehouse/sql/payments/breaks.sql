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
-- Every scan is narrowed to the rows that can make such a break (an incremental run,
-- dashboard/payments/recon.py); each break is the one a run over everything finds.
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

-- ------------------------------------------------------------------ gateways
gw_txn as (
    select
        p.transaction_id,
        p.order_id,
        p.gateway,
        p.txn_type,
        p.amount_thb,
        cast(p.paid_at as date) as paid_on,
        c.settlement_lag_days,
        b.roll_seq
    from lake.fct_payment p
    join bd b on b.date_day = cast(p.paid_at as date)
    left join lake.ref_gateway_contract c
        on c.gateway = p.gateway
        and cast(p.paid_at as date) >= c.valid_from_on
        and (c.valid_to_on is null or cast(p.paid_at as date) < c.valid_to_on)
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

line_by_txn as materialized (
    select
        transaction_id,
        min(settled_on) as settled_on,
        sum(gross_thb) as gross_thb,
        count(*) as count_lines
    from lake.fct_settlement
    where transaction_id in (select transaction_id from gw_txn)
    group by transaction_id
),

gw_matched as materialized (
    select g.*, l.settled_on, l.gross_thb
    from gw_due g
    left join line_by_txn l using (transaction_id)
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
    from lake.fct_settlement s
    join lake.ref_gateway_contract c
        on c.gateway = s.gateway
        and cast(coalesce(s.paid_at, s.created_at) as date) >= c.valid_from_on
        and (c.valid_to_on is null
            or cast(coalesce(s.paid_at, s.created_at) as date) < c.valid_to_on)
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

gw_orphan as (
    select
        'orphan_settlement', 'gateway', s.transaction_id, o.order_id, null, abs(s.gross_thb),
        s.settled_on, s.settled_on, 'batch ' || s.settlement_batch_id
    from (select * from lake.fct_settlement where settled_on >= $since) s
    left join (
        select transaction_id from lake.fct_payment
        where transaction_id in (
            select transaction_id from lake.fct_settlement where settled_on >= $since
        )
    ) p on p.transaction_id = s.transaction_id
    left join (
        select order_id from lake.fct_order
        where order_id in (
            select merchant_order_ref from lake.fct_settlement where settled_on >= $since
        )
    ) o on o.order_id = s.merchant_order_ref
    where p.transaction_id is null
),

batch as (
    select
        settlement_batch_id as reference,
        min(settled_on) as value_on,
        sum(net_thb + coalesce(withholding_thb, 0)) as expected_thb
    from lake.fct_settlement
    where settlement_batch_id in (
        select settlement_batch_id from lake.fct_settlement where settled_on >= $since
    )
    group by settlement_batch_id
    having min(settled_on) >= $since
),

-- ------------------------------------------------------------------ counter
counter_txn as (
    select
        p.transaction_id, p.order_id, p.amount_thb, cast(p.paid_at as date) as paid_on,
        d.date_day as due_on
    from lake.fct_payment p
    join bd b on b.date_day = cast(p.paid_at as date)
    left join business_seq d on d.business_day_seq = b.roll_seq + 1 + $grace_days
    where p.status = 'success' and p.txn_type = 'charge' and p.channel = 'counter'
      and p.paid_at >= cast($since as timestamp)
),

counter_first as materialized (
    select ref1, arg_min(amount_thb, paid_at) as amount_thb,
        arg_min(counter_branch_code, paid_at) as branch_code
    from lake.fct_counter_payment
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

counter_orphan as (
    select
        'orphan_settlement', 'counter', c.bank_code || ':' || c.bank_ref, null,
        c.counter_branch_code, c.amount_thb, cast(c.paid_at as date), cast(c.paid_at as date),
        'Ref1 ' || c.ref1 || ' is no order'
    from (
        select * from lake.fct_counter_payment where paid_at >= cast($since as timestamp)
    ) c
    left join (
        select order_id from lake.fct_order
        where order_id in (
            select ref1 from lake.fct_counter_payment
            where paid_at >= cast($since as timestamp)
        )
    ) o on o.order_id = c.ref1
    where o.order_id is null
),

bill_day as (
    select
        'BILL-' || c.bank_code || '-' || strftime(cast(c.paid_at as date), '%Y%m%d')
            as reference,
        min(v.date_day) as value_on,
        sum(c.amount_thb) as expected_thb
    from lake.fct_counter_payment c
    join bd b on b.date_day = cast(c.paid_at as date)
    join business_seq v on v.business_day_seq = b.roll_seq + $counter_lag_days
    where v.date_day >= $since
    group by c.bank_code, cast(c.paid_at as date)
),

-- ------------------------------------------------------------------ COD
cod_delivered as materialized (
    select
        s.tracking_no, s.order_id, s.cod_amount_thb, s.dest_branch_code,
        cast(s.delivered_at as date) as delivered_on, d.date_day as due_on
    from lake.fct_shipment s
    join bd b on b.date_day = cast(s.delivered_at as date)
    left join business_seq d on d.business_day_seq = b.roll_seq + $cod_limit_days
    where s.is_cod and s.delivered_at >= cast($since as timestamp)
),

cod_not_remitted as (
    select
        'cod_not_remitted', 'cod', d.tracking_no, d.order_id, d.dest_branch_code,
        d.cod_amount_thb, d.delivered_on, d.due_on, 'due by ' || cast(d.due_on as varchar)
    from cod_delivered d
    left join (
        select tracking_no from lake.fct_cod_remittance
        where tracking_no in (select tracking_no from cod_delivered)
    ) r using (tracking_no)
    where r.tracking_no is null and d.due_on < $as_of
),

cod_amount as (
    select
        'amount_mismatch', 'cod', d.tracking_no, d.order_id, r.branch_code,
        abs(r.amount_thb - d.cod_amount_thb), d.delivered_on, cast(r.remitted_at as date),
        'collected ' || cast(d.cod_amount_thb as varchar) || ', remitted '
            || cast(r.amount_thb as varchar)
    from cod_delivered d
    join (
        select * from lake.fct_cod_remittance
        where tracking_no in (select tracking_no from cod_delivered)
    ) r using (tracking_no)
    where abs(r.amount_thb - d.cod_amount_thb)
        > greatest($tol_thb, $tol_pct / 100 * d.cod_amount_thb)
),

cod_orphan as (
    select
        'orphan_settlement', 'cod', r.tracking_no, null, r.branch_code, r.amount_thb,
        cast(r.remitted_at as date), cast(r.remitted_at as date),
        'no COD shipment ' || r.tracking_no
    from (
        select * from lake.fct_cod_remittance where remitted_at >= cast($since as timestamp)
    ) r
    left join (
        select tracking_no from lake.fct_shipment
        where is_cod and tracking_no in (
            select tracking_no from lake.fct_cod_remittance
            where remitted_at >= cast($since as timestamp)
        )
    ) s on s.tracking_no = r.tracking_no
    where s.tracking_no is null
),

deposit as (
    select
        deposit_ref as reference,
        cast(min(remitted_at) as date) as value_on,
        sum(amount_thb) as expected_thb,
        any_value(branch_code) as branch_code
    from lake.fct_cod_remittance
    where deposit_ref in (
        select deposit_ref from lake.fct_cod_remittance
        where remitted_at >= cast($since as timestamp)
    )
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

credit_by_ref as materialized (
    select reference, sum(amount_thb) as credited_thb, min(value_on) as value_on
    from lake.fct_bank_credit
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
    select * from lake.fct_bank_credit where value_on >= $since
),

-- every reference a credit may carry (whatever its day), among the credits of the scope
expected_any as (
    select settlement_batch_id as reference
    from lake.fct_settlement
    where settlement_batch_id in (select reference from credit_scope)
    group by settlement_batch_id
    having sum(net_thb + coalesce(withholding_thb, 0)) > 0
    union
    select 'BILL-' || c.bank_code || '-' || strftime(cast(c.paid_at as date), '%Y%m%d')
    from lake.fct_counter_payment c
    join bd b on b.date_day = cast(c.paid_at as date)
    join business_seq v on v.business_day_seq = b.roll_seq + $counter_lag_days
    union
    select deposit_ref
    from lake.fct_cod_remittance
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
-- the orders collected on or after $since: a duplicate's first collection may be one
collected_since as (
    select order_id from lake.fct_payment
    where status = 'success' and txn_type = 'charge' and channel not in ('counter', 'cod')
      and paid_at >= cast($since as timestamp)
    union
    select ref1 from lake.fct_counter_payment where paid_at >= cast($since as timestamp)
    union
    select order_id from lake.fct_shipment
    where is_cod and delivered_at >= cast($since as timestamp)
),

collection as materialized (
    select order_id, amount_thb, paid_at as collected_at, 'gateway' as rail
    from lake.fct_payment
    where status = 'success' and txn_type = 'charge' and channel not in ('counter', 'cod')
      and order_id in (select order_id from collected_since)
    union all
    select ref1, amount_thb, paid_at, 'counter' from lake.fct_counter_payment
    where ref1 in (select order_id from collected_since)
    union all
    select order_id, cod_amount_thb, delivered_at, 'cod' from lake.fct_shipment
    where is_cod and delivered_at is not null
      and order_id in (select order_id from collected_since)
),

duplicate as (
    select
        'duplicate_payment' as break_class, 'gateway' as rail, c.order_id as ref, c.order_id,
        null,
        sum(c.amount_thb) - max(c.amount_thb), cast(min(c.collected_at) as date),
        cast(max(c.collected_at) as date), cast(count(*) as varchar) || ' payments'
    from collection c
    where c.order_id in (
        select order_id from lake.fct_order
        where order_id in (select order_id from collected_since)
    )
    group by c.order_id
    having count(*) > 1 and min(c.collected_at) >= cast($since as timestamp)
),

refund as (
    select transaction_id, order_id, amount_thb, paid_at
    from lake.fct_payment
    where txn_type = 'refund' and status = 'success'
      and paid_at >= cast($since as timestamp)
),

-- every way the refunds' orders were paid: a charge or COD in the gateway log, a counter
-- bill payment, a delivered COD parcel
charged as (
    select order_id from lake.fct_payment
    where status = 'success' and txn_type in ('charge', 'cod')
      and order_id in (select order_id from refund)
    union
    select ref1 from lake.fct_counter_payment where ref1 in (select order_id from refund)
    union
    select order_id from lake.fct_shipment
    where is_cod and delivered_at is not null and order_id in (select order_id from refund)
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
    from lake.fct_payment
    where txn_type = 'chargeback' and status = 'success'
      and paid_at >= cast($since as timestamp)
),

all_breaks as (
    select * from gw_missing
    union all select * from gw_late
    union all select * from gw_amount
    union all select * from gw_fee
    union all select * from gw_orphan
    union all select * from counter_missing
    union all select * from counter_amount
    union all select * from counter_orphan
    union all select * from cod_not_remitted
    union all select * from cod_amount
    union all select * from cod_orphan
    union all select * from unfunded
    union all select * from credit_amount
    union all select * from orphan_credit
    union all select * from duplicate
    union all select * from refund_orphan
    union all select * from chargeback
),

-- A duplicate is across rails when one of its payments is not at a gateway.
duplicate_rail as (
    select c.order_id, max(case when c.rail = 'cod' then 2 when c.rail = 'counter' then 1
        else 0 end) as other
    from collection c
    join duplicate d on d.ref = c.order_id
    group by c.order_id
),

order_info as (
    select o.order_id, o.seller_id, s.province_code
    from lake.fct_order o
    left join seller s using (seller_id)
    where o.order_id in (select order_id from all_breaks)
),

final as (
    select
        b.break_class || ':' || b.ref as break_key,
        b.break_class,
        case
            when r.other = 2 then 'cod'
            when r.other = 1 then 'counter'
            else b.rail
        end as rail,
        b.ref,
        b.order_id,
        o.seller_id,
        o.province_code,
        b.branch_code,
        cast(b.amount_thb as decimal(14, 2)) as amount_thb,
        b.occurred_on,
        b.due_on,
        b.detail
    from all_breaks b
    left join order_info o using (order_id)
    left join duplicate_rail r on b.break_class = 'duplicate_payment' and r.order_id = b.ref
)

select * from final
order by break_key
