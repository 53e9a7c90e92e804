-- Dwell at each mail centre: from a sorting-centre arrival (211) to the parcel's next
-- departure (201) at the same location (mart_mail_centre_stay, mail_centre_stays.sql),
-- for shipments accepted in [$start, $end) in scope.
-- grain: one row per location (mail centre name as scanned).
with final as (
    select
        location,
        count(*) as count_stays,
        quantile_cont(hours, 0.5) as p50_hours,
        quantile_cont(hours, 0.9) as p90_hours
    from mart_mail_centre_stay
    where accepted_at >= $start
      and accepted_at < $end
      and ($service is null or service_code = $service)
      and ($national or origin_branch_code in (select unnest($branches)))
    group by location
)

select * from final order by p90_hours desc, location
