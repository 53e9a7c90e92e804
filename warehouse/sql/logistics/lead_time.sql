-- Lead time (acceptance to delivery, calendar hours) p50/p90/p95 of delivered shipments
-- accepted in [$start, $end) in scope, by $by: 'service', 'region' (postal region of the
-- destination branch) or 'province' (destination province).
-- grain: one row per group.
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
        case $by
            when 'service' then scoped.service_code
            when 'region' then dest.postal_region_code
            else scoped.dest_province_code
        end as group_code,
        count(*) as count_shipments,
        quantile_cont(epoch(scoped.delivered_at - scoped.accepted_at) / 3600.0, 0.5) as p50_hours,
        quantile_cont(epoch(scoped.delivered_at - scoped.accepted_at) / 3600.0, 0.9) as p90_hours,
        quantile_cont(epoch(scoped.delivered_at - scoped.accepted_at) / 3600.0, 0.95) as p95_hours
    from scoped
    left join dim_branch as dest on dest.branch_code = scoped.dest_branch_code
    group by 1
)

select * from final order by group_code nulls last
