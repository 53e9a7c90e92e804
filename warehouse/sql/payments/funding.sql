-- The funding side of the daily statement for one rail ($rail), by value day, for the
-- days ($start, $as_of]. grain: one row per value day. key: day
--
--   gateway: gross − fees − VAT − refunds (+ withholding) = net, and net = bank credits
--   counter: the day's bill payments = bank credits;  cod: the day's deposits = credits
--
-- net_thb is what the bank should have credited (the batches', bill-payment days' or
-- deposits' totals), less the batches whose net was not positive (netted_thb: the gateway
-- nets them, no credit pays them); credited_thb is what it credited under those
-- references. The residual net − netted − credited is exactly the unfunded and
-- short-funded breaks of the day.
with bd as materialized (
    select date_day, is_business_day, business_day_seq, roll_seq
    from lake.mart_business_day
),

business_seq as (
    select business_day_seq, date_day from bd where is_business_day
),

line as (
    select
        settled_on as day,
        settlement_batch_id as reference,
        case when txn_type = 'charge' then gross_thb else 0 end as gross_thb,
        fee_thb,
        fee_vat_thb,
        case when txn_type <> 'charge' then abs(gross_thb) else 0 end as refunds_thb,
        coalesce(withholding_thb, 0) as withholding_thb,
        net_thb + coalesce(withholding_thb, 0) as net_thb
    from lake.fct_settlement
    where $rail = 'gateway' and settled_on > $start and settled_on <= $as_of
),

bill as (
    select
        v.date_day as day,
        'BILL-' || c.bank_code || '-' || strftime(cast(c.paid_at as date), '%Y%m%d')
            as reference,
        c.amount_thb as gross_thb,
        0 as fee_thb,
        0 as fee_vat_thb,
        0 as refunds_thb,
        0 as withholding_thb,
        c.amount_thb as net_thb
    from lake.fct_counter_payment c
    join bd b on b.date_day = cast(c.paid_at as date)
    join business_seq v on v.business_day_seq = b.roll_seq + $counter_lag_days
    where $rail = 'counter' and v.date_day > $start and v.date_day <= $as_of
),

remit as (
    select
        cast(remitted_at as date) as day,
        deposit_ref as reference,
        amount_thb as gross_thb,
        0 as fee_thb,
        0 as fee_vat_thb,
        0 as refunds_thb,
        0 as withholding_thb,
        amount_thb as net_thb
    from lake.fct_cod_remittance
    where $rail = 'cod'
      and cast(remitted_at as date) > $start and cast(remitted_at as date) <= $as_of
),

lines as (
    select * from line union all select * from bill union all select * from remit
),

by_ref as (
    select day, reference, sum(net_thb) as expected_thb
    from lines group by day, reference
),

credited as (
    select
        b.day,
        sum(coalesce(c.amount_thb, 0)) as credited_thb,
        -- a batch whose refunds outweigh its charges is debited or netted by the gateway,
        -- never credited: it is no break
        sum(case when b.expected_thb <= 0 then b.expected_thb else 0 end) as netted_thb
    from by_ref b
    left join (
        select reference, sum(amount_thb) as amount_thb
        from lake.fct_bank_credit group by reference
    ) c using (reference)
    group by b.day
),

final as (
    select
        l.day,
        sum(l.gross_thb) as gross_thb,
        sum(l.fee_thb) as fee_thb,
        sum(l.fee_vat_thb) as fee_vat_thb,
        sum(l.refunds_thb) as refunds_thb,
        sum(l.withholding_thb) as withholding_thb,
        sum(l.net_thb) as net_thb,
        any_value(c.netted_thb) as netted_thb,
        any_value(c.credited_thb) as credited_thb,
        sum(l.net_thb) - any_value(c.netted_thb) - any_value(c.credited_thb) as residual_thb
    from lines l
    join credited c using (day)
    group by l.day
)

select * from final
order by day desc
