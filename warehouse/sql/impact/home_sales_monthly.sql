-- Monthly sales (mart_paid_order.sales_thb) for the scope, the 12 calendar months up to $end.
-- grain: one row per month with sales.
with final as (
    select
        cast(date_trunc('month', ordered_at) as date) as month,
        cast(sum(sales_thb) as double) as value
    from lake.mart_paid_order
    where ($national or list_contains($provinces, seller_province_code))
      and ordered_at >= date_trunc('month', $end) - interval 11 month
      and ordered_at <= $end
    group by 1
)

select * from final order by month
