-- Programme figures for a set of provinces or the whole country.
-- grain: one row.
-- $national (boolean) or $provinces (varchar[]): the scope, by the seller's province.
-- $start, $end: the window, orders placed in ($start, $end].
-- Sales = goods value (subtotal_thb, shipping excluded) of paid orders: status paid,
-- shipped or delivered; unpaid, cancelled, returned and refunded orders are left out.
with sellers as (
    select seller_id, status, coalesce(is_low_income, false) as is_low_income
    from lake.dim_seller
    where $national or list_contains($provinces, province_code)
),

paid_orders as (
    select sellers.is_low_income, fct_order.subtotal_thb as sales_thb
    from lake.fct_order
    join sellers on sellers.seller_id = fct_order.seller_id
    where fct_order.ordered_at > $start
      and fct_order.ordered_at <= $end
      and fct_order.status in ('paid', 'shipped', 'delivered')
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
