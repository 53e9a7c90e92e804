-- Origin–destination flows between provinces for shipments in scope accepted in
-- [$start, $end): volume and late share (delivered past the standard, or undelivered and
-- overdue at $as_of: mart_shipment_timing), the top $top pairs by volume, with the
-- provinces' centres. grain: one row per (origin province, destination province) pair.
with scoped as (
    select
        origin.province_code as origin_province_code,
        t.dest_province_code,
        case
            when t.is_delivered then t.k > t.standard_days
            else $as_of_wd > t.due_wd
        end as is_late
    from mart_shipment_timing as t
    join dim_branch as origin on origin.branch_code = t.origin_branch_code
    where t.accepted_at >= $start
      and t.accepted_at < $end
      and t.dest_province_code is not null
      and t.accepted_wd is not null
      and $as_of_wd is not null
      and ($service is null or t.service_code = $service)
      and ($national or t.origin_branch_code in (select unnest($branches)))
),

pairs as (
    select
        origin_province_code,
        dest_province_code,
        count(*) as count_shipments,
        round(100.0 * count(*) filter (where is_late) / count(*), 1) as late_share
    from scoped
    group by 1, 2
    order by count_shipments desc, origin_province_code, dest_province_code
    limit $top
)

select
    pairs.*,
    round(o.lat, 3) as origin_lat,
    round(o.lon, 3) as origin_lon,
    round(d.lat, 3) as dest_lat,
    round(d.lon, 3) as dest_lon
from pairs
join dim_province as o on o.province_code = pairs.origin_province_code
join dim_province as d on d.province_code = pairs.dest_province_code
order by count_shipments desc
