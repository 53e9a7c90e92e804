-- Postmart lake, impact, version 31: the seller × month mart the programme figures and the
-- digital-centre estimate read (a few hundred thousand rows instead of every order).
--
-- grain: one row per seller and calendar month with a delivered order or a paid payout.
-- key: seller_id, month
-- Written by the lake writer (etl/load/impact_marts.py) in the same transaction as the
-- orders and payouts it sums: the demo, each orders or payouts load, and this backfill.
-- So as-of reads (DuckLake time travel) see the mart as it was at that snapshot.
-- count_orders, sales_thb: delivered orders placed in the month (mart_delivered_order);
-- income_thb: payouts paid in the month (mart_seller_income);
-- first_delivered_at: the seller's earliest delivered order placed in the month.
create table if not exists mart_impact_seller_month (
    seller_id varchar,
    month date,
    count_orders bigint,
    sales_thb decimal(18, 2),
    income_thb decimal(18, 2),
    first_delivered_at timestamp
);

insert into mart_impact_seller_month
with orders as (
    select
        seller_id,
        cast(date_trunc('month', ordered_at) as date) as month,
        count(*) as count_orders,
        sum(sales_thb) as sales_thb,
        min(ordered_at) as first_delivered_at
    from mart_delivered_order
    group by all
),

payouts as (
    select seller_id, cast(date_trunc('month', paid_at) as date) as month,
        sum(net_thb) as income_thb
    from mart_seller_income
    group by all
)

select
    coalesce(o.seller_id, p.seller_id) as seller_id,
    coalesce(o.month, p.month) as month,
    coalesce(o.count_orders, 0) as count_orders,
    cast(coalesce(o.sales_thb, 0) as decimal(18, 2)) as sales_thb,
    cast(coalesce(p.income_thb, 0) as decimal(18, 2)) as income_thb,
    o.first_delivered_at
from orders o
full join payouts p on p.seller_id = o.seller_id and p.month = o.month
order by month, seller_id;
