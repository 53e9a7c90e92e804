-- Origin–destination flows between provinces for shipments in scope accepted in
-- [$start, $end): volume and late share (delivered past the standard, or undelivered and
-- overdue at $as_of), the top $top pairs by volume, with the provinces' centres.
-- grain: one row per (origin province, destination province) pair.
with scoped as (
    select fct_shipment.*, origin.province_code as origin_province_code
    from fct_shipment
    join dim_branch as origin on origin.branch_code = fct_shipment.origin_branch_code
    where fct_shipment.accepted_at >= $start
      and fct_shipment.accepted_at < $end
      and fct_shipment.dest_province_code is not null
      and ($service is null or fct_shipment.service_code = $service)
      and ($national or fct_shipment.origin_branch_code in (select unnest($branches)))
),

timed as (
    select
        scoped.origin_province_code,
        scoped.dest_province_code,
        case
            when scoped.delivered_at is not null
                then delivered.wd_index - accepted.wd_index > scoped.standard_days
            else now_day.wd_index - accepted.wd_index > scoped.standard_days
        end as is_late
    from scoped
    join mart_working_day as accepted on accepted.date_day = cast(scoped.accepted_at as date)
    left join mart_working_day as delivered
        on delivered.date_day = cast(scoped.delivered_at as date)
    join mart_working_day as now_day on now_day.date_day = cast($as_of as date)
),

pairs as (
    select
        origin_province_code,
        dest_province_code,
        count(*) as count_shipments,
        round(100.0 * count(*) filter (where is_late) / count(*), 1) as late_share
    from timed
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
