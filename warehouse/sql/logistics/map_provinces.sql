-- By destination province, for shipments in scope accepted in [$start, $end): on-time rate
-- (as kpi_summary.sql) and median lead time of delivered ones (hours).
-- grain: one row per destination province with shipments.
with scoped as (
    select fct_shipment.*
    from fct_shipment
    where fct_shipment.accepted_at >= $start
      and fct_shipment.accepted_at < $end
      and fct_shipment.dest_province_code is not null
      and ($service is null or fct_shipment.service_code = $service)
      and ($national or fct_shipment.origin_branch_code in (select unnest($branches)))
),

timed as (
    select
        scoped.dest_province_code,
        scoped.delivered_at,
        scoped.accepted_at,
        scoped.is_returned,
        scoped.standard_days,
        accepted.wd_index as accepted_wd,
        delivered.wd_index as delivered_wd,
        (select wd_index from mart_working_day where date_day = cast($as_of as date)) as as_of_wd
    from scoped
    left join mart_working_day as accepted
        on accepted.date_day = cast(scoped.accepted_at as date)
    left join mart_working_day as delivered
        on delivered.date_day = cast(scoped.delivered_at as date)
),

final as (
    select
        dest_province_code as province_code,
        count(*) as count_shipments,
        count(*) filter (
            where delivered_at is not null and delivered_wd - accepted_wd <= standard_days
        ) as count_on_time,
        count(*) filter (
            where delivered_at is not null
               or as_of_wd - accepted_wd > standard_days
        ) as count_due,
        median(epoch(delivered_at - accepted_at) / 3600.0) as p50_hours
    from timed
    group by 1
)

select
    *,
    case when count_due > 0 then round(100.0 * count_on_time / count_due, 1) end as on_time_rate
from final
order by province_code
