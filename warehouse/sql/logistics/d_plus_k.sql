-- The D+k distribution: delivered shipments accepted in [$start, $end) in scope, by the
-- working days k from acceptance to delivery (mart_working_day), k over $cap folded into
-- $cap. grain: one row per k (and service standard met or not).
with scoped as (
    select fct_shipment.*
    from fct_shipment
    where fct_shipment.accepted_at >= $start
      and fct_shipment.accepted_at < $end
      and fct_shipment.delivered_at is not null
      and ($service is null or fct_shipment.service_code = $service)
      and ($national or fct_shipment.origin_branch_code in (select unnest($branches)))
),

final as (
    select
        least(delivered.wd_index - accepted.wd_index, $cap) as k,
        count(*) as count_shipments,
        count(*) filter (
            where delivered.wd_index - accepted.wd_index <= scoped.standard_days
        ) as count_on_time
    from scoped
    join mart_working_day as accepted on accepted.date_day = cast(scoped.accepted_at as date)
    join mart_working_day as delivered on delivered.date_day = cast(scoped.delivered_at as date)
    group by 1
)

select * from final order by k
