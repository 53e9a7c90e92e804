-- Dwell at each mail centre: from a sorting-centre arrival (211) to the parcel's next
-- departure (201) at the same location, for shipments accepted in [$start, $end) in scope.
-- grain: one row per location (mail centre name as scanned).
with scoped as (
    select fct_shipment.tracking_no
    from fct_shipment
    where fct_shipment.accepted_at >= $start
      and fct_shipment.accepted_at < $end
      and ($service is null or fct_shipment.service_code = $service)
      and ($national or fct_shipment.origin_branch_code in (select unnest($branches)))
),

events as (
    select
        fct_tracking_event.tracking_no,
        fct_tracking_event.status_code,
        fct_tracking_event.event_at,
        fct_tracking_event.location,
        lead(fct_tracking_event.status_code) over w as next_code,
        lead(fct_tracking_event.event_at) over w as next_at,
        lead(fct_tracking_event.location) over w as next_location
    from fct_tracking_event
    semi join scoped on scoped.tracking_no = fct_tracking_event.tracking_no
    where fct_tracking_event.status_code in ('211', '201')
    window w as (partition by fct_tracking_event.tracking_no order by fct_tracking_event.event_at)
),

final as (
    select
        location,
        count(*) as count_stays,
        quantile_cont(epoch(next_at - event_at) / 3600.0, 0.5) as p50_hours,
        quantile_cont(epoch(next_at - event_at) / 3600.0, 0.9) as p90_hours
    from events
    where status_code = '211' and next_code = '201' and next_location = location
    group by location
)

select * from final order by p90_hours desc, location
