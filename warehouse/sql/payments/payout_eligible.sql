-- Seller payouts: what each seller may be paid for orders delivered in ($from_on,
-- $through_on] (delivered, not refunded or returned, prepaid: COD money reaches the seller
-- through the branch, event 901), less the gateways' fees and VAT, refunds and
-- chargebacks; and the automatic hold reasons the lake gives.
-- grain: one row per seller with eligible orders. key: seller_id
with delivered as (
    select order_id, min(cast(delivered_at as date)) as delivered_on
    from lake.fct_shipment
    where delivered_at is not null
    group by order_id
),

eligible as (
    select o.order_id, o.seller_id, o.total_thb
    from lake.fct_order o
    join delivered d using (order_id)
    where o.status = 'delivered' and o.payment_channel <> 'cod'
      and d.delivered_on > $from_on and d.delivered_on <= $through_on
),

fees as (
    select s.merchant_order_ref as order_id, sum(s.fee_thb + s.fee_vat_thb) as fee_thb
    from lake.fct_settlement s
    join eligible e on e.order_id = s.merchant_order_ref
    where s.txn_type = 'charge'
    group by s.merchant_order_ref
),

money_back as (
    select
        p.order_id,
        sum(case when p.txn_type = 'refund' then p.amount_thb else 0 end) as refunds_thb,
        sum(case when p.txn_type = 'chargeback' then p.amount_thb else 0 end) as chargebacks_thb
    from lake.fct_payment p
    join eligible e using (order_id)
    where p.status = 'success' and p.txn_type in ('refund', 'chargeback')
    group by p.order_id
),

per_seller as (
    select
        e.seller_id,
        count(*) as count_orders,
        sum(e.total_thb) as gross_thb,
        sum(coalesce(f.fee_thb, 0)) as fee_thb,
        sum(coalesce(m.refunds_thb, 0)) as refunds_thb,
        sum(coalesce(m.chargebacks_thb, 0)) as chargebacks_thb
    from eligible e
    left join fees f using (order_id)
    left join money_back m using (order_id)
    group by e.seller_id
),

shared as (
    select bank_code, bank_account_no
    from lake.dim_seller
    where bank_account_no is not null
    group by all
    having count(*) > 1
),

returned as (
    select distinct o.seller_id
    from lake.fct_order o
    left join lake.fct_shipment s using (order_id)
    -- a parcel that could not be delivered and went back to the seller (203)
    where (o.status = 'returned' or coalesce(s.is_returned, false))
      and cast(o.ordered_at as date) > $from_on - to_days(30)
      and cast(o.ordered_at as date) <= $through_on + to_days($window_days)
)

select
    p.seller_id,
    sel.name_th,
    sel.name_en,
    sel.province_code,
    sel.bank_code,
    sel.bank_account_no,
    p.count_orders,
    p.gross_thb,
    p.fee_thb,
    p.refunds_thb,
    p.chargebacks_thb,
    list_filter([
        case when sel.status = 'suspended' then 'seller_suspended' end,
        case when not regexp_full_match(coalesce(sel.bank_account_no, ''), '[0-9]+')
            or length(sel.bank_account_no)
                <> case when sel.bank_code in ('030', '033', '034') then 12 else 10 end
            then 'bad_bank_account' end,
        case when sh.bank_code is not null then 'shared_bank_account' end,
        case when r.seller_id is not null then 'returned_parcel' end
    ], x -> x is not null) as lake_holds
from per_seller p
left join lake.dim_seller sel using (seller_id)
left join shared sh on sh.bank_code = sel.bank_code and sh.bank_account_no = sel.bank_account_no
left join returned r on r.seller_id = p.seller_id
order by p.seller_id
