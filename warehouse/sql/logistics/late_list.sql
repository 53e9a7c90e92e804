-- The late list: shipments in scope accepted before $end (at any age: the oldest stuck
-- parcel matters most, so the period's start does not apply), undelivered, not returned,
-- past their standard at $as_of ($as_of_wd > due_wd), the most overdue first; working
-- days past due. grain: one row per shipment. Read off the open shipments
-- (mart_open_shipment, lake migration 0024), not the whole timing mart.
with final as (
    select
        tracking_no,
        order_id,
        service_code,
        origin_branch_code,
        dest_branch_code,
        dest_province_code,
        accepted_at,
        standard_days,
        cast($as_of_wd - due_wd as integer) as working_days_late,
        status,
        last_status_code,
        current_location,
        last_event_at
    from mart_open_shipment
    where $as_of_wd > due_wd
      and accepted_at < $end
      and ($service is null or service_code = $service)
      and ($national or origin_branch_code in (select unnest($branches)))
)

select * from final order by working_days_late desc, accepted_at, tracking_no
