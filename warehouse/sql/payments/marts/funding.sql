-- mart_pay_funding for the days from $since (lake migration 0012): the rows of
-- warehouse/sql/payments/funding.sql, every rail at once. grain: one row per rail per day.
-- day is the value day of the gateway and COD rails, and the bill-payment day of the
-- counter rail (its value day follows from the counter-lag setting when it is read; each
-- BILL- reference is one bank's one payment day, so a payment day holds whole references).
with line as (
    select
        'gateway' as rail,
        settled_on as day,
        settlement_batch_id as reference,
        case when txn_type = 'charge' then gross_thb else 0 end as gross_thb,
        fee_thb,
        fee_vat_thb,
        case when txn_type <> 'charge' then abs(gross_thb) else 0 end as refunds_thb,
        coalesce(withholding_thb, 0) as withholding_thb,
        net_thb + coalesce(withholding_thb, 0) as net_thb
    from fct_settlement
    where settled_on >= $since
),

bill as (
    select
        'counter' as rail,
        cast(c.paid_at as date) as day,
        'BILL-' || c.bank_code || '-' || strftime(cast(c.paid_at as date), '%Y%m%d')
            as reference,
        c.amount_thb as gross_thb,
        0 as fee_thb,
        0 as fee_vat_thb,
        0 as refunds_thb,
        0 as withholding_thb,
        c.amount_thb as net_thb
    from fct_counter_payment c
    where c.paid_at >= cast($since as timestamp)
),

remit as (
    select
        'cod' as rail,
        cast(remitted_at as date) as day,
        deposit_ref as reference,
        amount_thb as gross_thb,
        0 as fee_thb,
        0 as fee_vat_thb,
        0 as refunds_thb,
        0 as withholding_thb,
        amount_thb as net_thb
    from fct_cod_remittance
    where remitted_at >= cast($since as timestamp)
),

lines as (
    select * from line union all select * from bill union all select * from remit
),

by_ref as (
    select rail, day, reference, sum(net_thb) as expected_thb
    from lines group by rail, day, reference
),

credited as (
    select
        b.rail,
        b.day,
        sum(coalesce(c.amount_thb, 0)) as credited_thb,
        sum(case when b.expected_thb <= 0 then b.expected_thb else 0 end) as netted_thb
    from by_ref b
    left join (
        select reference, sum(amount_thb) as amount_thb
        from fct_bank_credit
        where reference in (select reference from by_ref)
        group by reference
    ) c using (reference)
    group by b.rail, b.day
)

select
    l.rail,
    l.day,
    sum(l.gross_thb) as gross_thb,
    sum(l.fee_thb) as fee_thb,
    sum(l.fee_vat_thb) as fee_vat_thb,
    sum(l.refunds_thb) as refunds_thb,
    sum(l.withholding_thb) as withholding_thb,
    sum(l.net_thb) as net_thb,
    any_value(c.netted_thb) as netted_thb,
    any_value(c.credited_thb) as credited_thb
from lines l
join credited c using (rail, day)
group by l.rail, l.day
