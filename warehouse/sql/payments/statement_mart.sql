-- statement.sql from the marts (lake migration 0012): the daily statement of one rail
-- ($rail) for the days ($start, $as_of]. grain: one row per day. key: day
--
--   paid_thb = settled_thb + in_transit_thb + break_thb + residual_thb
--
-- mart_pay_statement sums the payments recorded at exactly their amount (never a break)
-- and keeps every other payment on its own row, so the tolerance applies per payment as in
-- statement.sql; the due day follows from the grace (COD: the remit limit) setting here.
with bd as materialized (
    select date_day, is_business_day, business_day_seq
    from lake.mart_business_day
),

business_seq as (
    select business_day_seq, date_day from bd where is_business_day
),

rows as (
    select
        m.day,
        m.is_recorded,
        m.ref,
        m.count_payments,
        m.amount_thb,
        m.recorded_thb,
        case when $rail = 'cod' then d.date_day - 1 else d.date_day end as due_on
    from lake.mart_pay_statement m
    left join business_seq d
        on d.business_day_seq = m.due_base_seq
            + case when $rail = 'cod' then $cod_limit_days else $grace_days end
    where m.rail = $rail and m.day > $start and m.day <= $as_of
),

classified as (
    select
        day,
        count_payments,
        amount_thb,
        recorded_thb as settled_thb,
        case when not is_recorded and due_on > $as_of then amount_thb else 0 end
            as in_transit_thb,
        case
            when not is_recorded and due_on <= $as_of then amount_thb
            when is_recorded and ref is not null
                and abs(recorded_thb - amount_thb)
                    > greatest($tol_thb, $tol_pct / 100 * amount_thb)
                then amount_thb - recorded_thb
            else 0
        end as break_thb
    from rows
)

select
    day,
    cast(sum(count_payments) as bigint) as count_payments,
    sum(amount_thb) as paid_thb,
    sum(settled_thb) as settled_thb,
    sum(in_transit_thb) as in_transit_thb,
    sum(break_thb) as break_thb,
    sum(amount_thb) - sum(settled_thb) - sum(in_transit_thb) - sum(break_thb)
        as residual_thb
from classified
group by day
order by day desc
