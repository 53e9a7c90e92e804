-- settlement_fees.sql from the marts (lake migration 0012), for lines settled in
-- ($start, $end]. grain: one row per gateway. key: gateway
select
    gateway,
    cast(sum(count_charges) as bigint) as count_charges,
    sum(gross_thb) as gross_thb,
    sum(fee_thb) as fee_thb,
    sum(fee_vat_thb) as fee_vat_thb,
    sum(contract_fee_thb) as contract_fee_thb,
    sum(contract_vat_thb) as contract_vat_thb,
    sum(net_thb) as net_thb,
    any_value(fee_percent) as fee_percent
from lake.mart_pay_settle_fees
where day > $start and day <= $end
group by gateway
order by gateway
