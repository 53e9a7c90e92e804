-- mart_pay_cod_held for the delivery days from $since (lake migration 0012): COD cash
-- collected (501) and not remitted, per delivering branch and delivery day.
select
    concat_ws(
        '|',
        coalesce(cast(s.dest_branch_code as varchar), '∅'),
        coalesce(cast(cast(s.delivered_at as date) as varchar), '∅')
    ) as mart_key,
    s.dest_branch_code as branch_code,
    cast(s.delivered_at as date) as delivered_on,
    count(*) as count_parcels,
    sum(s.cod_amount_thb) as custody_thb
from fct_shipment s
left join fct_cod_remittance r using (tracking_no)
where s.is_cod and s.delivered_at >= cast($since as timestamp) and r.tracking_no is null
group by all
