-- Perishable listings (chilled or frozen) shipped without cold chain: shipments in scope
-- accepted in [$start, $end) whose order holds such a listing while the shipment is not
-- cold-chain. grain: one row per listing.
with scoped as (
    select mart_shipment_timing.*
    from mart_shipment_timing
    where mart_shipment_timing.accepted_at >= $start
      and mart_shipment_timing.accepted_at < $end
      and not coalesce(mart_shipment_timing.is_cold_chain, false)
      and ($service is null or mart_shipment_timing.service_code = $service)
      and ($national or mart_shipment_timing.origin_branch_code in (select unnest($branches)))
)

select
    dim_listing.listing_id,
    dim_listing.seller_id,
    dim_listing.title_th,
    dim_listing.title_en,
    dim_listing.temperature_class,
    count(distinct scoped.tracking_no) as count_shipments,
    max(scoped.accepted_at) as last_accepted_at
from scoped
join fct_order_item on fct_order_item.order_id = scoped.order_id
join dim_listing on dim_listing.listing_id = fct_order_item.listing_id
where dim_listing.temperature_class in ('chilled', 'frozen')
group by all
order by count_shipments desc, dim_listing.listing_id
