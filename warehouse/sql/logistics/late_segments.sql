-- Where the time went for late items: delivered after their standard, accepted in
-- [$start, $end) in scope; median hours per segment (mart_shipment_timing: acceptance ->
-- origin mail centre -> destination mail centre -> destination branch -> delivered) by the
-- destination's postal region. grain: one row per destination postal region.
with scoped as (
    select
        dest_branch_code,
        to_origin_centre_hours,
        between_centres_hours,
        to_branch_hours,
        to_delivery_hours
    from mart_shipment_timing
    where accepted_at >= $start
      and accepted_at < $end
      and is_late_delivered
      and ($service is null or service_code = $service)
      and ($national or origin_branch_code in (select unnest($branches)))
),

final as (
    select
        dest.postal_region_code,
        count(*) as count_late,
        median(scoped.to_origin_centre_hours) as to_origin_centre_hours,
        median(scoped.between_centres_hours) as between_centres_hours,
        median(scoped.to_branch_hours) as to_branch_hours,
        median(scoped.to_delivery_hours) as to_delivery_hours
    from scoped
    left join dim_branch as dest on dest.branch_code = scoped.dest_branch_code
    group by 1
)

select * from final order by postal_region_code nulls last
