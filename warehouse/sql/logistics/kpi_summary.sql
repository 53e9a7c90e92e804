-- The delivery KPIs of the shipments accepted in [$start, $end) at the branches in scope
-- (docs/logistics.md "KPIs": each figure's formula, and dashboard/logistics/kpis.py).
-- grain: one row. Timing (on time, due) is mart_shipment_timing's (shipment_timing.sql):
-- due = delivered, or undelivered and past its standard at $as_of ($as_of_wd > due_wd);
-- an overdue item counts as late, a returned one too (it was not delivered).
with scoped as (
    select *
    from mart_shipment_timing
    where accepted_at >= $start
      and accepted_at < $end
      and ($service is null or service_code = $service)
      and ($national or origin_branch_code in (select unnest($branches)))
),

final as (
    select
        count(*) as count_accepted,
        count(*) filter (where is_on_time) as count_on_time,
        count(*) filter (where is_delivered or $as_of_wd > due_wd) as count_due,
        count(*) filter (where not is_delivered and not is_returned) as count_in_transit,
        count(*) filter (where is_out_for_delivery) as count_out_for_delivery,
        count(*) filter (where is_first_attempt) as count_first_attempt,
        count(*) filter (where is_failed) as count_failed,
        count(*) filter (where is_delivered or is_returned) as count_final,
        count(*) filter (where is_returned) as count_returned
    from scoped
)

select * from final
