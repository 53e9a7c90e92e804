-- mart_pay_payout_day for the delivery days from $since (lake migration 0012): the
-- eligible orders of warehouse/sql/payments/payout_eligible.sql summed per seller and day.
with touched as (
    select distinct order_id from fct_shipment
    where delivered_at >= cast($since as timestamp)
),

delivered as (
    select order_id, min(cast(delivered_at as date)) as delivered_on
    from fct_shipment
    where delivered_at is not null and order_id in (select order_id from touched)
    group by order_id
    having min(cast(delivered_at as date)) >= $since
),

eligible as (
    select o.order_id, o.seller_id, o.total_thb, d.delivered_on
    from fct_order o
    join delivered d using (order_id)
    where o.status = 'delivered' and o.payment_channel <> 'cod'
),

fees as (
    select s.merchant_order_ref as order_id, sum(s.fee_thb + s.fee_vat_thb) as fee_thb
    from fct_settlement s
    join eligible e on e.order_id = s.merchant_order_ref
    where s.txn_type = 'charge'
    group by s.merchant_order_ref
),

money_back as (
    select
        p.order_id,
        sum(case when p.txn_type = 'refund' then p.amount_thb else 0 end) as refunds_thb,
        sum(case when p.txn_type = 'chargeback' then p.amount_thb else 0 end) as chargebacks_thb
    from fct_payment p
    join eligible e using (order_id)
    where p.status = 'success' and p.txn_type in ('refund', 'chargeback')
    group by p.order_id
)

select
    e.seller_id,
    e.delivered_on,
    count(*) as count_orders,
    sum(e.total_thb) as gross_thb,
    sum(coalesce(f.fee_thb, 0)) as fee_thb,
    sum(coalesce(m.refunds_thb, 0)) as refunds_thb,
    sum(coalesce(m.chargebacks_thb, 0)) as chargebacks_thb
from eligible e
left join fees f using (order_id)
left join money_back m using (order_id)
group by e.seller_id, e.delivered_on
