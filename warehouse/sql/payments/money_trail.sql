-- One seller's money trail: each order with its successful payment, its settlement line
-- and batch, the bank credit of that batch (or of the counter day, or of the COD deposit),
-- and the payout that paid it (the lake's payout whose period holds the order's release
-- day: delivery plus the return window of that payout's schedule).
-- grain: one row per order of $seller_id (newest first, at most 500). key: order_id
-- The order ids run with time, so the orders' id range ($lo_order_id, $hi_order_id: the
-- first and last of those orders, found first) narrows every scan keyed by order id to
-- the files of those months.
with orders as (
    select order_id, ordered_at, status, payment_channel, total_thb
    from lake.fct_order
    where seller_id = $seller_id
      and order_id between $lo_order_id and $hi_order_id
    order by ordered_at desc
    limit 500
),

pay as (
    select p.order_id, arg_max(p.transaction_id, p.paid_at) as transaction_id,
        max(p.paid_at) as paid_at, any_value(p.gateway) as gateway
    from lake.fct_payment p join orders o using (order_id)
    where p.status = 'success' and p.txn_type in ('charge', 'cod')
      and p.order_id between $lo_order_id and $hi_order_id
    group by p.order_id
),

line as (
    select s.transaction_id, any_value(s.settlement_batch_id) as settlement_batch_id,
        min(s.settled_on) as settled_on, sum(s.net_thb) as net_thb
    from lake.fct_settlement s join pay using (transaction_id)
    group by s.transaction_id
),

counter as (
    select c.ref1 as order_id,
        'BILL-' || any_value(c.bank_code) || '-' || strftime(cast(min(c.paid_at) as date), '%Y%m%d')
            as reference
    from lake.fct_counter_payment c join orders o on o.order_id = c.ref1
    where c.ref1 between $lo_order_id and $hi_order_id
    group by c.ref1
),

ship as materialized (
    select s.order_id, s.tracking_no, s.delivered_at
    from lake.fct_shipment s
    join orders o using (order_id)
    where s.order_id between $lo_order_id and $hi_order_id
),

cod as (
    select s.order_id, any_value(r.deposit_ref) as reference, sum(r.amount_thb) as remitted_thb
    from ship s
    join lake.fct_cod_remittance r using (tracking_no)
    group by s.order_id
),

delivered as (
    select order_id, min(cast(delivered_at as date)) as delivered_on
    from ship
    group by order_id
),

trail as (
    select
        o.order_id, o.ordered_at, o.status, o.payment_channel, o.total_thb,
        p.transaction_id, p.paid_at, l.settlement_batch_id, l.settled_on, l.net_thb,
        coalesce(l.settlement_batch_id, c.reference, d.reference) as credit_reference,
        dl.delivered_on
    from orders o
    left join pay p using (order_id)
    left join line l using (transaction_id)
    left join counter c using (order_id)
    left join cod d using (order_id)
    left join delivered dl using (order_id)
)

select
    t.*,
    k.value_on as credited_on,
    po.payout_id,
    po.status as payout_status,
    po.paid_at as payout_paid_at
from trail t
left join (
    select reference, min(value_on) as value_on
    from lake.fct_bank_credit
    where reference in (select credit_reference from trail)
    group by reference
) k on k.reference = t.credit_reference
left join lake.fct_payout po
    on po.seller_id = $seller_id
    and t.payment_channel <> 'cod'
    and t.delivered_on + 7 between po.period_start_on and po.period_end_on
order by t.ordered_at desc
