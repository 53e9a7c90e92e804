-- Failed-delivery rate by reason: shipments accepted in [$start, $end) in scope with a
-- failed attempt (401), by the reason of their last failed attempt, over the shipments out
-- for delivery (301). grain: one row per reason.
with scoped as (
    select fct_shipment.*
    from fct_shipment
    where fct_shipment.accepted_at >= $start
      and fct_shipment.accepted_at < $end
      and fct_shipment.first_out_for_delivery_at is not null
      and ($service is null or fct_shipment.service_code = $service)
      and ($national or fct_shipment.origin_branch_code in (select unnest($branches)))
),

final as (
    select
        coalesce(last_failure_reason, '') as reason,
        count(*) as count_failed,
        (select count(*) from scoped) as count_out_for_delivery
    from scoped
    where count_failed_attempts > 0
    group by 1
)

select * from final order by count_failed desc, reason
