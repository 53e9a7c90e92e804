-- Lead time (acceptance to delivery, calendar hours: mart_shipment_timing.lead_hours)
-- p50/p90/p95 of delivered shipments accepted in [$start, $end) in scope, by $by:
-- 'service', 'region' (postal region of the destination branch) or 'province'
-- (destination province). grain: one row per group.
with scoped as (
    select service_code, dest_branch_code, dest_province_code, lead_hours
    from mart_shipment_timing
    where accepted_at >= $start
      and accepted_at < $end
      and is_delivered
      and ($service is null or service_code = $service)
      and ($national or origin_branch_code in (select unnest($branches)))
),

final as (
    select
        case $by
            when 'service' then scoped.service_code
            when 'region' then dest.postal_region_code
            else scoped.dest_province_code
        end as group_code,
        count(*) as count_shipments,
        quantile_cont(scoped.lead_hours, 0.5) as p50_hours,
        quantile_cont(scoped.lead_hours, 0.9) as p90_hours,
        quantile_cont(scoped.lead_hours, 0.95) as p95_hours
    from scoped
    left join dim_branch as dest on dest.branch_code = scoped.dest_branch_code
    group by 1
)

select * from final order by group_code nulls last
