-- The delivery KPIs of the shipments accepted in [$start, $end) at the branches in scope
-- (docs/logistics.md "KPIs": each figure's formula, and dashboard/logistics/kpis.py).
-- grain: one row.
-- Working days: mart_working_day.wd_index; a shipment is D+k with k = wd(delivered day) -
-- wd(accepted day). Due: delivered, or undelivered and past its standard at $as_of
-- (wd(as_of day) - wd(accepted day) > standard_days): an overdue item counts as late,
-- a returned one too (it was not delivered).
with scoped as (
    select fct_shipment.*
    from fct_shipment
    where fct_shipment.accepted_at >= $start
      and fct_shipment.accepted_at < $end
      and ($service is null or fct_shipment.service_code = $service)
      and ($national or fct_shipment.origin_branch_code in (select unnest($branches)))
),

timed as (
    select
        scoped.*,
        accepted.wd_index as accepted_wd,
        delivered.wd_index as delivered_wd,
        (select wd_index from mart_working_day where date_day = cast($as_of as date)) as as_of_wd
    from scoped
    left join mart_working_day as accepted
        on accepted.date_day = cast(scoped.accepted_at as date)
    left join mart_working_day as delivered
        on delivered.date_day = cast(scoped.delivered_at as date)
),

final as (
    select
        count(*) as count_accepted,
        count(*) filter (
            where delivered_at is not null and delivered_wd - accepted_wd <= standard_days
        ) as count_on_time,
        count(*) filter (
            where delivered_at is not null
               or (delivered_at is null and as_of_wd - accepted_wd > standard_days)
        ) as count_due,
        count(*) filter (where delivered_at is null and not is_returned) as count_in_transit,
        count(*) filter (where first_out_for_delivery_at is not null) as count_out_for_delivery,
        count(*) filter (
            where first_out_for_delivery_at is not null
              and delivered_at is not null
              and (first_failed_at is null or first_failed_at > delivered_at)
        ) as count_first_attempt,
        count(*) filter (
            where first_out_for_delivery_at is not null and count_failed_attempts > 0
        ) as count_failed,
        count(*) filter (where delivered_at is not null or is_returned) as count_final,
        count(*) filter (where is_returned) as count_returned
    from timed
)

select * from final
