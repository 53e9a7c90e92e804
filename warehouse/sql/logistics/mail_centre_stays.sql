-- mart_mail_centre_stay rows of the shipments in _shipments (fct_shipment rows) from their
-- events in _events (fct_tracking_event rows: all the events of those shipments). A stay
-- is a sorting-centre arrival (211) whose next scan among the parcel's 211 and 201 scans,
-- in time order, is a departure (201) from the same location: dwell = the hours between.
-- grain: one row per stay.
with scans as (
    select
        _events.tracking_no,
        _events.status_code,
        _events.event_at,
        _events.location,
        lead(_events.status_code) over w as next_code,
        lead(_events.event_at) over w as next_at,
        lead(_events.location) over w as next_location
    from _events
    where _events.status_code in ('211', '201')
    window w as (
        partition by _events.tracking_no
        order by _events.event_at, _events.status_code desc, _events.location
    )
)

select
    s.tracking_no,
    s.origin_branch_code,
    s.service_code,
    s.accepted_at,
    scans.location,
    scans.event_at as arrived_at,
    epoch(scans.next_at - scans.event_at) / 3600.0 as hours
from scans
join _shipments as s on s.tracking_no = scans.tracking_no
where scans.status_code = '211' and scans.next_code = '201' and scans.next_location = scans.location
order by s.accepted_at nulls last, s.tracking_no, scans.event_at
