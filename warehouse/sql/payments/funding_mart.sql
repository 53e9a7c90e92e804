-- funding.sql from the marts (lake migration 0012): the funding side of the daily
-- statement of one rail ($rail), by value day, for ($start, $as_of].
-- grain: one row per value day. key: day
-- The counter rail's mart rows are by bill-payment day: moved here to their value day,
-- $counter_lag_days business days later, as funding.sql does.
with bd as materialized (
    select date_day, is_business_day, business_day_seq, roll_seq
    from lake.mart_business_day
),

business_seq as (
    select business_day_seq, date_day from bd where is_business_day
),

by_day as (
    select * exclude (rail) from lake.mart_pay_funding
    where rail = $rail and $rail <> 'counter'
    union all
    select v.date_day as day, m.* exclude (rail, day)
    from lake.mart_pay_funding m
    join bd b on b.date_day = m.day
    join business_seq v on v.business_day_seq = b.roll_seq + $counter_lag_days
    where m.rail = 'counter' and $rail = 'counter'
)

select
    day,
    sum(gross_thb) as gross_thb,
    sum(fee_thb) as fee_thb,
    sum(fee_vat_thb) as fee_vat_thb,
    sum(refunds_thb) as refunds_thb,
    sum(withholding_thb) as withholding_thb,
    sum(net_thb) as net_thb,
    sum(netted_thb) as netted_thb,
    sum(credited_thb) as credited_thb,
    sum(net_thb) - sum(netted_thb) - sum(credited_thb) as residual_thb
from by_day
where day > $start and day <= $as_of
group by day
order by day desc
