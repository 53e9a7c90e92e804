-- Destination density on a grid of $cell degrees, aggregated here so no parcel's point
-- reaches the browser: shipments in scope accepted in [$start, $end) by the cell of their
-- destination subdistrict's centre. grain: one row per grid cell with shipments.
with scoped as (
    select dest_subdistrict_code, dest_postal_code, count(*) as n
    from mart_shipment_timing
    where accepted_at >= $start
      and accepted_at < $end
      and ($service is null or service_code = $service)
      and ($national or origin_branch_code in (select unnest($branches)))
    group by all
),

located as (
    select
        coalesce(sub.lat, by_postal.lat) as lat,
        coalesce(sub.lon, by_postal.lon) as lon,
        scoped.n
    from scoped
    left join dim_subdistrict as sub on sub.subdistrict_code = scoped.dest_subdistrict_code
    left join (
        select postal_code, avg(lat) as lat, avg(lon) as lon
        from dim_subdistrict
        group by postal_code
    ) as by_postal on by_postal.postal_code = scoped.dest_postal_code
)

select
    round((floor(lat / $cell) + 0.5) * $cell, 4) as lat,
    round((floor(lon / $cell) + 0.5) * $cell, 4) as lon,
    cast(sum(n) as bigint) as count_shipments
from located
where lat is not null and lon is not null
group by 1, 2
order by count_shipments desc
