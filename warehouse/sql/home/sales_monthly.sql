-- Monthly sales (as in sellers.sql) for the scope, the 12 calendar months up to $end.
-- grain: one row per month with sales.
with sellers as (
    select seller_id
    from lake.dim_seller
    where $national or list_contains($provinces, province_code)
),

final as (
    select
        cast(date_trunc('month', fct_order.ordered_at) as date) as month,
        cast(sum(fct_order.subtotal_thb) as double) as value
    from lake.fct_order
    join sellers on sellers.seller_id = fct_order.seller_id
    where fct_order.ordered_at >= date_trunc('month', $end) - interval 11 month
      and fct_order.ordered_at <= $end
      and fct_order.status in ('paid', 'shipped', 'delivered')
    group by 1
)

select * from final order by month
