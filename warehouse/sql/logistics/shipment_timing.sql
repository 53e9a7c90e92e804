-- mart_shipment_timing rows of the shipments in _shipments (fct_shipment rows: the ones a
-- load just recomputed, or all of fct_shipment). The one place the delivery KPIs' timing is
-- defined (docs/logistics.md "KPIs"): working days are mart_working_day.wd_index; a
-- shipment is D+k with k = wd(delivered day) - wd(accepted day); on time when delivered
-- with k <= standard_days; due_wd = wd(accepted day) + standard_days, so an undelivered
-- shipment is overdue at "now" when wd(now's day) > due_wd (a returned one too: it was not
-- delivered). Segments of the journey: acceptance -> origin mail centre (first 211) ->
-- destination mail centre (last 211 before the branch) -> destination branch (first 206)
-- -> delivered (501). grain: one row per shipment of _shipments.
select
    s.tracking_no,
    s.order_id,
    s.service_code,
    s.origin_branch_code,
    s.dest_branch_code,
    s.origin_mail_centre_code,
    s.dest_mail_centre_code,
    s.dest_province_code,
    s.dest_subdistrict_code,
    s.dest_postal_code,
    s.cold_chain_class,
    s.is_cold_chain,
    s.standard_days,
    s.accepted_at,
    s.delivered_at,
    s.delivered_at is not null as is_delivered,
    s.is_returned,
    accepted.wd_index as accepted_wd,
    delivered.wd_index as delivered_wd,
    accepted.wd_index + s.standard_days as due_wd,
    cast(delivered.wd_index - accepted.wd_index as integer) as k,
    coalesce(
        s.delivered_at is not null and delivered.wd_index - accepted.wd_index <= s.standard_days,
        false
    ) as is_on_time,
    coalesce(
        s.delivered_at is not null and delivered.wd_index - accepted.wd_index > s.standard_days,
        false
    ) as is_late_delivered,
    s.first_out_for_delivery_at is not null as is_out_for_delivery,
    coalesce(
        s.first_out_for_delivery_at is not null
        and s.delivered_at is not null
        and (s.first_failed_at is null or s.first_failed_at > s.delivered_at),
        false
    ) as is_first_attempt,
    coalesce(s.first_out_for_delivery_at is not null and s.count_failed_attempts > 0, false)
        as is_failed,
    s.last_failure_reason,
    epoch(s.delivered_at - s.accepted_at) / 3600.0 as lead_hours,
    epoch(s.first_sorting_at - s.accepted_at) / 3600.0 as to_origin_centre_hours,
    epoch(s.last_sorting_at - s.first_sorting_at) / 3600.0 as between_centres_hours,
    epoch(s.arrived_branch_at - s.last_sorting_at) / 3600.0 as to_branch_hours,
    epoch(s.delivered_at - s.arrived_branch_at) / 3600.0 as to_delivery_hours,
    s.status,
    s.last_status_code,
    s.current_location,
    s.last_event_at
from _shipments as s
left join mart_working_day as accepted on accepted.date_day = cast(s.accepted_at as date)
left join mart_working_day as delivered on delivered.date_day = cast(s.delivered_at as date)
order by s.accepted_at nulls last, s.tracking_no
