-- mart_pay_settle_fees for the settled days from $since (lake migration 0012): the sums of
-- warehouse/sql/payments/settlement_fees.sql per gateway and day.
select
    s.gateway,
    s.settled_on as day,
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
from fct_settlement s
left join ref_gateway_contract c
    on c.gateway = s.gateway
    and cast(coalesce(s.paid_at, s.created_at) as date) >= c.valid_from_on
    and (c.valid_to_on is null or cast(coalesce(s.paid_at, s.created_at) as date) < c.valid_to_on)
where s.settled_on >= $since
group by s.gateway, s.settled_on
