-- Shipments accepted per month at the branches in scope, the 12 months up to $end.
-- grain: one row per month with shipments.
with final as (
    select
        cast(date_trunc('month', fct_shipment.accepted_at) as date) as month,
        cast(count(*) as double) as value
    from fct_shipment
    where fct_shipment.accepted_at >= date_trunc('month', $end) - interval 11 month
      and fct_shipment.accepted_at <= $end
      and ($national or fct_shipment.origin_branch_code in (select unnest($branches)))
    group by 1
)

select * from final order by month
