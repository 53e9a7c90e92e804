-- Weekly trend for the branches in scope: shipments accepted per ISO week (Monday) in
-- [$start, $end), with on time and due as kpi_summary.sql counts them.
-- grain: one row per week with shipments.
with final as (
    select
        cast(date_trunc('week', accepted_at) as date) as week,
        count(*) as count_accepted,
        count(*) filter (where is_on_time) as count_on_time,
        count(*) filter (where is_delivered or $as_of_wd > due_wd) as count_due
    from mart_shipment_timing
    where accepted_at >= $start
      and accepted_at < $end
      and ($service is null or service_code = $service)
      and ($national or origin_branch_code in (select unnest($branches)))
    group by 1
)

select
    *,
    case when count_due > 0 then round(100.0 * count_on_time / count_due, 2) end as on_time_rate
from final
order by week
