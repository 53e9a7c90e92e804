-- Sales of each seller of the scope in the home pages' window (the same definition and the
-- same period as the home figures, so the two pages agree).
-- grain: one row per seller with a paid order in ($start, $end].
-- $national (boolean) or $provinces (varchar[]): by the seller's province.
with final as (
    select
        seller_id,
        count(*) as count_orders,
        cast(sum(sales_thb) as double) as sales_thb
    from lake.mart_paid_order
    where ($national or list_contains($provinces, seller_province_code))
      and ordered_at > $start
      and ordered_at <= $end
    group by seller_id
)

select * from final
