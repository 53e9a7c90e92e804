-- The rows of mart_impact_seller_month (warehouse/migrations/lake/0031_impact_seller_month.sql)
-- for the sellers in _touched_sellers (a registered table of seller_id), or for every seller
-- when $everyone: what the lake writer puts in the mart after orders or payouts change.
-- grain: one row per seller and calendar month with a delivered order or a paid payout.
with orders as (
    select
        seller_id,
        cast(date_trunc('month', ordered_at) as date) as month,
        count(*) as count_orders,
        sum(sales_thb) as sales_thb,
        min(ordered_at) as first_delivered_at
    from lake.mart_delivered_order
    where $everyone or seller_id in (select seller_id from _touched_sellers)
    group by all
),

payouts as (
    select
        seller_id,
        cast(date_trunc('month', paid_at) as date) as month,
        sum(net_thb) as income_thb
    from lake.mart_seller_income
    where $everyone or seller_id in (select seller_id from _touched_sellers)
    group by all
),

final as (
    select
        coalesce(o.seller_id, p.seller_id) as seller_id,
        coalesce(o.month, p.month) as month,
        coalesce(o.count_orders, 0) as count_orders,
        cast(coalesce(o.sales_thb, 0) as decimal(18, 2)) as sales_thb,
        cast(coalesce(p.income_thb, 0) as decimal(18, 2)) as income_thb,
        o.first_delivered_at
    from orders o
    full join payouts p on p.seller_id = o.seller_id and p.month = o.month
)

select * from final order by month, seller_id
