-- Delivery figures of the shipments accepted at a branch or at any branch of a postal
-- region, accepted in ($start, $end].
-- grain: one row.
-- $kind: 'branch' or 'postal_region'; $code: the branch or postal region code.
--
-- Working days: wd_index(d) = number of working days (dim_date.is_working_day) up to and
-- including d, so wd_index(b) - wd_index(a) is the number of working days after a, up to b.
-- On time: delivered, and delivered_day's index minus accepted_day's is at most
-- standard_days. Due: delivered (the outcome is known), or not delivered and the
-- deadline has passed by $end (wd_index(end day) - wd_index(accepted day) > standard_days);
-- overdue undelivered items count as late. Undelivered items still within their standard
-- are neither. Shipments on days missing from dim_date are left out of both.
-- Failed delivery: items with a failed attempt (401) among items out for delivery (301).
-- In transit: accepted in the window, not delivered, not returned.
with working_days as (
    select
        date_day,
        sum(case when is_working_day then 1 else 0 end) over (order by date_day) as wd_index
    from lake.dim_date
),

branches as (
    select branch_code
    from lake.dim_branch
    where ($kind = 'branch' and branch_code = $code)
       or ($kind = 'postal_region' and postal_region_code = $code)
),

shipments as (
    select
        fct_shipment.delivered_at,
        fct_shipment.is_returned,
        fct_shipment.first_out_for_delivery_at,
        fct_shipment.count_failed_attempts,
        fct_shipment.standard_days,
        accepted.wd_index as accepted_wd,
        delivered.wd_index as delivered_wd,
        (select wd_index from working_days where date_day = cast($end as date)) as end_wd
    from lake.fct_shipment
    join branches on branches.branch_code = fct_shipment.origin_branch_code
    left join working_days as accepted
        on accepted.date_day = cast(fct_shipment.accepted_at as date)
    left join working_days as delivered
        on delivered.date_day = cast(fct_shipment.delivered_at as date)
    where fct_shipment.accepted_at > $start
      and fct_shipment.accepted_at <= $end
),

final as (
    select
        count(*) as shipments_accepted_30d,
        count(*) filter (
            where delivered_at is not null and delivered_wd - accepted_wd <= standard_days
        ) as count_on_time,
        count(*) filter (
            where (delivered_at is not null and delivered_wd is not null and accepted_wd is not null)
               or (delivered_at is null and end_wd - accepted_wd > standard_days)
        ) as count_due,
        count(*) filter (
            where delivered_at is null and not coalesce(is_returned, false)
        ) as in_transit,
        count(*) filter (where first_out_for_delivery_at is not null) as count_out_for_delivery,
        count(*) filter (
            where first_out_for_delivery_at is not null and count_failed_attempts > 0
        ) as count_failed_delivery
    from shipments
)

select * from final
