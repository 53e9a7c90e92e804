-- Fees and VAT against the contract, and net settled, per gateway, for lines settled in
-- ($start, $end]. grain: one row per gateway. key: gateway
select
    s.gateway,
    count(*) filter (where s.txn_type = 'charge') as count_charges,
    sum(case when s.txn_type = 'charge' then s.gross_thb else 0 end) as gross_thb,
    sum(s.fee_thb) as fee_thb,
    sum(s.fee_vat_thb) as fee_vat_thb,
    sum(case when s.txn_type = 'charge' then round(s.gross_thb * c.fee_percent * 0.01, 2)
        else 0 end) as contract_fee_thb,
    sum(case when s.txn_type = 'charge'
        then round(round(s.gross_thb * c.fee_percent * 0.01, 2) * c.vat_percent * 0.01, 2)
        else 0 end) as contract_vat_thb,
    sum(s.net_thb + coalesce(s.withholding_thb, 0)) as net_thb,
    any_value(c.fee_percent) as fee_percent
from lake.fct_settlement s
left join lake.ref_gateway_contract c
    on c.gateway = s.gateway
    and cast(coalesce(s.paid_at, s.created_at) as date) >= c.valid_from_on
    and (c.valid_to_on is null or cast(coalesce(s.paid_at, s.created_at) as date) < c.valid_to_on)
where s.settled_on > $start and s.settled_on <= $end
group by s.gateway
order by s.gateway
