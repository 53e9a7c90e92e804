-- Shipments accepted per month at a branch or postal region, 12 months up to $end.
-- grain: one row per month with shipments.
with branches as (
    select branch_code
    from lake.dim_branch
    where ($kind = 'branch' and branch_code = $code)
       or ($kind = 'postal_region' and postal_region_code = $code)
),

final as (
    select
        cast(date_trunc('month', fct_shipment.accepted_at) as date) as month,
        cast(count(*) as double) as value
    from lake.fct_shipment
    join branches on branches.branch_code = fct_shipment.origin_branch_code
    where fct_shipment.accepted_at >= date_trunc('month', $end) - interval 11 month
      and fct_shipment.accepted_at <= $end
    group by 1
)

select * from final order by month
