-- Failed-delivery rate by reason: shipments accepted in [$start, $end) in scope with a
-- failed attempt (401), by the reason of their last failed attempt, over the shipments out
-- for delivery (301). grain: one row per reason.
with scoped as (
    select is_failed, last_failure_reason
    from mart_shipment_timing
    where accepted_at >= $start
      and accepted_at < $end
      and is_out_for_delivery
      and ($service is null or service_code = $service)
      and ($national or origin_branch_code in (select unnest($branches)))
),

final as (
    select
        coalesce(last_failure_reason, '') as reason,
        count(*) as count_failed,
        (select count(*) from scoped) as count_out_for_delivery
    from scoped
    where is_failed
    group by 1
)

select * from final order by count_failed desc, reason
