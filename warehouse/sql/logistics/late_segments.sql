-- Where the time went for late items: delivered after their standard, accepted in
-- [$start, $end) in scope; median hours per segment by the destination's postal region.
-- Segments: acceptance (103) -> origin mail centre (first 211) -> destination mail centre
-- (last 211 before the branch) -> destination branch (first 206) -> delivered (501).
-- grain: one row per destination postal region.
with scoped as (
    select fct_shipment.*
    from fct_shipment
    join mart_working_day as accepted on accepted.date_day = cast(fct_shipment.accepted_at as date)
    join mart_working_day as delivered on delivered.date_day = cast(fct_shipment.delivered_at as date)
    where fct_shipment.accepted_at >= $start
      and fct_shipment.accepted_at < $end
      and delivered.wd_index - accepted.wd_index > fct_shipment.standard_days
      and ($service is null or fct_shipment.service_code = $service)
      and ($national or fct_shipment.origin_branch_code in (select unnest($branches)))
),

final as (
    select
        dest.postal_region_code,
        count(*) as count_late,
        median(epoch(first_sorting_at - accepted_at) / 3600.0) as to_origin_centre_hours,
        median(epoch(last_sorting_at - first_sorting_at) / 3600.0) as between_centres_hours,
        median(epoch(arrived_branch_at - last_sorting_at) / 3600.0) as to_branch_hours,
        median(epoch(delivered_at - arrived_branch_at) / 3600.0) as to_delivery_hours
    from scoped
    left join dim_branch as dest on dest.branch_code = scoped.dest_branch_code
    group by 1
)

select * from final order by postal_region_code nulls last
