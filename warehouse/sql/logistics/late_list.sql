-- The late list: shipments in scope accepted before $end (at any age: the oldest stuck
-- parcel matters most, so the period's start does not apply), undelivered, not returned,
-- past their standard at $as_of, the most overdue first; working days past due.
-- grain: one row per shipment.
with scoped as (
    select fct_shipment.*
    from fct_shipment
    where fct_shipment.accepted_at < $end
      and fct_shipment.delivered_at is null
      and not fct_shipment.is_returned
      and ($service is null or fct_shipment.service_code = $service)
      and ($national or fct_shipment.origin_branch_code in (select unnest($branches)))
),

final as (
    select
        scoped.tracking_no,
        scoped.order_id,
        scoped.service_code,
        scoped.origin_branch_code,
        scoped.dest_branch_code,
        scoped.dest_province_code,
        scoped.accepted_at,
        scoped.standard_days,
        cast(now_day.wd_index - accepted.wd_index - scoped.standard_days as integer)
            as working_days_late,
        scoped.status,
        scoped.last_status_code,
        scoped.current_location,
        scoped.last_event_at
    from scoped
    join mart_working_day as accepted on accepted.date_day = cast(scoped.accepted_at as date)
    join mart_working_day as now_day on now_day.date_day = cast($as_of as date)
    where now_day.wd_index - accepted.wd_index > scoped.standard_days
)

select * from final order by working_days_late desc, accepted_at, tracking_no
