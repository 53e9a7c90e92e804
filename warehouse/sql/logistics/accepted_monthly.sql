-- Shipments accepted per month at the branches in scope, the 12 months up to $end.
-- grain: one row per month with shipments.
with final as (
    select
        cast(date_trunc('month', mart_shipment_timing.accepted_at) as date) as month,
        cast(count(*) as double) as value
    from mart_shipment_timing
    where mart_shipment_timing.accepted_at >= date_trunc('month', $end) - interval 11 month
      and mart_shipment_timing.accepted_at <= $end
      and ($national or mart_shipment_timing.origin_branch_code in (select unnest($branches)))
    group by 1
)

select * from final order by month
