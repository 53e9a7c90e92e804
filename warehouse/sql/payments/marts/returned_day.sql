-- mart_pay_returned_day for the order days from $since (lake migration 0012): orders that
-- went back to their seller (status returned, or a parcel returned, 203), per seller and day.
select
    o.seller_id,
    cast(o.ordered_at as date) as ordered_on,
    count(distinct o.order_id) as count_returned
from fct_order o
left join fct_shipment s using (order_id)
where (o.status = 'returned' or coalesce(s.is_returned, false))
  and o.ordered_at >= cast($since as timestamp)
group by all
