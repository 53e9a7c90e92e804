-- Postmart lake, impact (programme figures): the shared definitions of the KPI registry
-- (dashboard/impact/kpis.py). Views, so they always agree with the facts.

-- grain: one row per delivered order: the goods reached the buyer (status delivered).
-- key: order_id
-- sales_thb is the goods value (subtotal_thb), as in mart_paid_order. Orders count in the
-- period they were placed (ordered_at, Bangkok time).
create or replace view mart_delivered_order as
select
    fct_order.order_id,
    fct_order.seller_id,
    fct_order.ordered_at,
    fct_order.subtotal_thb as sales_thb
from fct_order
where fct_order.status = 'delivered';

-- grain: one row per payout paid to a seller (the money that reached them).
-- key: payout_id
create or replace view mart_seller_income as
select
    fct_payout.payout_id,
    fct_payout.seller_id,
    fct_payout.paid_at,
    fct_payout.net_thb
from fct_payout
where fct_payout.status = 'paid' and fct_payout.paid_at is not null;
