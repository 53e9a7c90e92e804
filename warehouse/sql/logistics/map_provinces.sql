-- By destination province, for shipments in scope accepted in [$start, $end): on-time rate
-- (as kpi_summary.sql) and median lead time of delivered ones (hours).
-- grain: one row per destination province with shipments.
with final as (
    select
        dest_province_code as province_code,
        count(*) as count_shipments,
        count(*) filter (where is_on_time) as count_on_time,
        count(*) filter (where is_delivered or $as_of_wd > due_wd) as count_due,
        median(lead_hours) as p50_hours
    from mart_shipment_timing
    where accepted_at >= $start
      and accepted_at < $end
      and dest_province_code is not null
      and ($service is null or service_code = $service)
      and ($national or origin_branch_code in (select unnest($branches)))
    group by 1
)

select
    *,
    case when count_due > 0 then round(100.0 * count_on_time / count_due, 1) end as on_time_rate
from final
order by province_code
