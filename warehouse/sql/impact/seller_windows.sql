-- Per seller, what the programme figures of three windows rest on (the period, the previous
-- period and the same period a year before), read from the lake once per page view: the
-- seller master, the seller × month mart for the windows' whole months, and the facts for
-- the days after them (a month still running). The areas are then summed off the lake
-- (kpi_areas_local.sql). The same figures as kpi_areas.sql (tested).
-- grain: one row per seller and window (0, 1, 2) with an order or a payout in it (the
-- caller adds window -1, each seller's first delivered order: the same for every period).
-- $s0, $w0, $e0 … $s2, $w2, $e2: each window's start, the end of its whole months, its end.
-- $use_payouts: sum payouts too (else income is the delivered sales, kpi_areas_local.sql).
with windows as (
    select * from (values (0, $s0, $w0, $e0), (1, $s1, $w1, $e1), (2, $s2, $w2, $e2))
        as w(window_no, start_at, whole_end, end_at)
),

months as (
    select
        w.window_no,
        m.seller_id,
        sum(m.count_orders) as count_orders,
        sum(m.sales_thb) as sales_thb,
        sum(case when $use_payouts then m.income_thb else 0 end) as income_thb
    from lake.mart_impact_seller_month m
    join windows w on m.month >= w.start_at and m.month < w.whole_end
    where m.month >= least($s0, $s1, $s2)
    group by all
),

-- the days after each window's whole months, window by window: one scan of the days of
-- each (the files of other days are skipped), not of everything between the first and last
tail_orders as (
    select 0 as window_no, seller_id, count(*) as count_orders, sum(sales_thb) as sales_thb,
        0 as income_thb
    from lake.mart_delivered_order
    where ordered_at >= $w0 and ordered_at < $e0
    group by seller_id
    union all
    select 1, seller_id, count(*), sum(sales_thb), 0
    from lake.mart_delivered_order
    where ordered_at >= $w1 and ordered_at < $e1
    group by seller_id
    union all
    select 2, seller_id, count(*), sum(sales_thb), 0
    from lake.mart_delivered_order
    where ordered_at >= $w2 and ordered_at < $e2
    group by seller_id
),

tail_payouts as (
    select 0 as window_no, seller_id, 0 as count_orders, 0 as sales_thb,
        sum(net_thb) as income_thb
    from lake.mart_seller_income
    where $use_payouts and paid_at >= $w0 and paid_at < $e0
    group by seller_id
    union all
    select 1, seller_id, 0, 0, sum(net_thb)
    from lake.mart_seller_income
    where $use_payouts and paid_at >= $w1 and paid_at < $e1
    group by seller_id
    union all
    select 2, seller_id, 0, 0, sum(net_thb)
    from lake.mart_seller_income
    where $use_payouts and paid_at >= $w2 and paid_at < $e2
    group by seller_id
),

sums as (
    select window_no, seller_id, sum(count_orders) as count_orders,
        sum(sales_thb) as sales_thb, sum(income_thb) as income_thb
    from (
        select * from months
        union all select * from tail_orders
        union all select * from tail_payouts
    )
    group by all
),

final as (
    select window_no, seller_id, count_orders, cast(sales_thb as decimal(38, 2)) as sales_thb,
        cast(income_thb as decimal(38, 2)) as income_thb, cast(null as timestamp) as first_at
    from sums
)

select * from final
