-- The id range of one seller's newest orders (at most 500): the bounds money_trail.sql
-- narrows its scans to. grain: one row.
select min(order_id) as lo_order_id, max(order_id) as hi_order_id
from (
    select order_id from lake.fct_order
    where seller_id = $seller_id
    order by ordered_at desc
    limit 500
)
