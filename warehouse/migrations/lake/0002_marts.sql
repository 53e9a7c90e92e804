-- Postmart lake schema, version 2: marts, the shared definitions the app reads.
-- Each states its grain and its key; the keys are tested unique and not null with the
-- tables' (tests/integration/test_lake_keys.py). Views, so they always agree with the
-- facts they are made of.

-- grain: one row per paid order: the buyer paid and did not get the money back
-- (status paid, shipped or delivered; see warehouse/vocab.py PAID_ORDER_STATUSES).
-- key: order_id
-- sales_thb is the goods value (subtotal_thb: shipping and discounts excluded). It is
-- what "sales" (ยอดขาย) means on every page and in every export of the app.
create or replace view mart_paid_order as
select
    fct_order.order_id,
    fct_order.seller_id,
    fct_order.ordered_at,
    fct_order.status,
    fct_order.subtotal_thb as sales_thb,
    fct_order.total_thb,
    fct_order.buyer_province_code,
    dim_seller.province_code as seller_province_code,
    coalesce(dim_seller.is_low_income, false) as is_low_income
from fct_order
left join dim_seller on dim_seller.seller_id = fct_order.seller_id
where fct_order.status in ('paid', 'shipped', 'delivered');
