-- Programme figures for a set of provinces or the whole country.
-- grain: one row.
-- $national (boolean) or $provinces (varchar[]): the scope, by the seller's province.
-- $start, $end: the window, orders placed in ($start, $end].
-- Sales: mart_paid_order.sales_thb (goods value of paid orders, shipping excluded).
with sellers as (
    select seller_id, status, coalesce(is_low_income, false) as is_low_income
    from lake.dim_seller
    where $national or list_contains($provinces, province_code)
),

paid_orders as (
    select is_low_income, sales_thb
    from lake.mart_paid_order
    where ($national or list_contains($provinces, seller_province_code))
      and ordered_at > $start
      and ordered_at <= $end
),

final as (
    select
        (select count(*) from sellers where status = 'active') as active_sellers,
        (select count(*) from sellers where status = 'active' and is_low_income)
            as low_income_sellers,
        (select count(*) from paid_orders) as orders_30d,
        (select coalesce(sum(sales_thb), 0) from paid_orders) as sales_thb_30d,
        (select coalesce(sum(sales_thb), 0) from paid_orders where is_low_income)
            as low_income_sales_thb_30d
)

select * from final
