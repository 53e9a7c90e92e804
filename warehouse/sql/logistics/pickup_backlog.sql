-- Pickup backlog at $as_of: paid orders (mart_paid_order) in scope with no acceptance
-- scan, older than $sla_hours, by age bucket, seller and origin branch. The origin branch
-- is the shipment's acceptance branch when a label exists, else the seller's postal
-- code's branch. grain: one row per order waiting.
--
-- Only the labels of the window's orders can clear one: a label is accepted after its
-- order, so the shipments accepted before the window (with a month's margin for clocks)
-- are left out of the join: a few weeks of the timing mart, not all of it.
with labels as (
    select order_id, tracking_no, origin_branch_code, accepted_at
    from mart_shipment_timing
    where accepted_at is null or accepted_at > $as_of - interval 90 day
),

orders as (
    select
        mart_paid_order.order_id,
        mart_paid_order.seller_id,
        mart_paid_order.ordered_at,
        labels.tracking_no,
        coalesce(labels.origin_branch_code, seller_branch.branch_code) as origin_branch_code
    from mart_paid_order
    left join labels on labels.order_id = mart_paid_order.order_id
    left join dim_seller on dim_seller.seller_id = mart_paid_order.seller_id
    left join (
        select postal_code, min(branch_code) as branch_code
        from dim_branch
        group by postal_code
    ) as seller_branch on seller_branch.postal_code = dim_seller.postal_code
    where mart_paid_order.ordered_at <= $as_of
      and mart_paid_order.ordered_at > $as_of - interval 60 day
      and labels.accepted_at is null
      and mart_paid_order.status = 'paid'
),

final as (
    select
        orders.*,
        epoch($as_of - orders.ordered_at) / 3600.0 as age_hours
    from orders
    where epoch($as_of - orders.ordered_at) / 3600.0 > $sla_hours
      and ($national or orders.origin_branch_code in (select unnest($branches)))
)

select * from final order by age_hours desc, order_id
