-- payout_eligible.sql from the marts (lake migration 0012): what each seller may be paid
-- for orders delivered in ($from_on, $through_on], and the automatic hold reasons the lake
-- gives. grain: one row per seller with eligible orders. key: seller_id
with per_seller as (
    select
        seller_id,
        cast(sum(count_orders) as bigint) as count_orders,
        sum(gross_thb) as gross_thb,
        sum(fee_thb) as fee_thb,
        sum(refunds_thb) as refunds_thb,
        sum(chargebacks_thb) as chargebacks_thb
    from lake.mart_pay_payout_day
    where delivered_on > $from_on and delivered_on <= $through_on
    group by seller_id
),

shared as (
    select bank_code, bank_account_no
    from lake.dim_seller
    where bank_account_no is not null
    group by all
    having count(*) > 1
),

returned as (
    -- a parcel that could not be delivered and went back to the seller (203)
    select distinct seller_id
    from lake.mart_pay_returned_day
    where ordered_on > $from_on - to_days(30)
      and ordered_on <= $through_on + to_days($window_days)
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
