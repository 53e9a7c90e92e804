-- The digital-centre estimate's panel (issue 11, item 5; docs/impact.md): one row per seller
-- and month, balanced, from mart_impact_seller_month.
-- grain: one row per seller approved before the panel's first month, per month of the panel.
-- The panel's months: every month from the first to the last with a delivered order (the
-- first and last may be partial; that is the same for every seller).
-- period: months since year 0 (year * 12 + month - 1); first_treat: the period of the first
-- whole month after the seller's centre opened (the opening month itself when it opened on
-- the 1st), 0 when the seller is linked to no centre or to one that had not opened by the
-- panel's last month. Sellers treated from the panel's first month on have no month before
-- to compare with and are left out.
-- digital_centre_id: the seller's centre (null: none).
-- sales_thb: the goods value of the seller's delivered orders placed in the month.
with bounds as (
    select min(month) as first_month, max(month) as last_month
    from lake.mart_impact_seller_month
    where count_orders > 0
),

months as (
    select cast(m.generate_series as date) as month
    from bounds, generate_series(bounds.first_month, bounds.last_month, interval 1 month) as m
),

sellers as (
    select
        s.seller_id,
        s.digital_centre_id,
        case
            when o.opened_on is null then null
            when day(o.opened_on) = 1 then o.opened_on
            else cast(date_trunc('month', o.opened_on) + interval 1 month as date)
        end as treated_from
    from lake.dim_seller s
    left join lake.fct_digital_centre_opening o on o.digital_centre_id = s.digital_centre_id
    cross join bounds b
    where s.approved_at < b.first_month
),

final as (
    select
        s.seller_id,
        year(m.month) * 12 + month(m.month) - 1 as period,
        cast(coalesce(sm.sales_thb, 0) as double) as sales_thb,
        case
            when s.treated_from is null or s.treated_from > b.last_month then 0
            else year(s.treated_from) * 12 + month(s.treated_from) - 1
        end as first_treat,
        s.digital_centre_id
    from sellers s
    cross join months m
    cross join bounds b
    left join lake.mart_impact_seller_month sm
        on sm.seller_id = s.seller_id and sm.month = m.month
    where s.treated_from is null or s.treated_from > b.first_month
)

select * from final order by seller_id, period
