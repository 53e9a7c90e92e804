-- The D+k distribution: delivered shipments accepted in [$start, $end) in scope, by the
-- working days k from acceptance to delivery (mart_shipment_timing.k), k over $cap folded
-- into $cap. grain: one row per k.
with scoped as (
    select k, is_on_time
    from mart_shipment_timing
    where accepted_at >= $start
      and accepted_at < $end
      and is_delivered
      and k is not null
      and ($service is null or service_code = $service)
      and ($national or origin_branch_code in (select unnest($branches)))
),

final as (
    select
        least(k, $cap) as k,
        count(*) as count_shipments,
        count(*) filter (where is_on_time) as count_on_time
    from scoped
    group by 1
)

select * from final order by k
