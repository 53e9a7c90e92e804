-- The KPI registry's base measures (dashboard/impact/kpis.py) per area of one level, summed
-- off the lake: the statement of kpi_areas.sql run on an in-memory database holding what
-- one page view read from the lake once (dashboard/impact/figures.py, ``_Inputs``): the
-- geography and seller master tables under their lake names, and seller_windows
-- (seller_windows.sql: per seller and window, orders, sales and payouts; window -1 the
-- first delivered order). The same figures as kpi_areas.sql (tested).
-- grain: one row per area of $level inside the filter, areas without sellers included.
-- $window_no: 0 the period, 1 the previous period, 2 the year before.
-- $region, $province, $start, $end, $use_payouts, $population: as kpi_areas.sql.
with provinces as (
    select province_code, region_code, population_weight * $population as population
    from dim_province
    where ($region = '' or region_code = $region)
      and ($province = '' or province_code = $province)
),

districts as (
    select d.district_code, d.province_code,
        sum(coalesce(sd.population_weight, 0)) * any_value(p.population) as population
    from dim_district d
    join provinces p on p.province_code = d.province_code
    left join dim_subdistrict sd on sd.district_code = d.district_code
    group by d.district_code, d.province_code
),

areas as (
    select r.region_code as area_code, r.name_th, r.name_en, sum(p.population) as population
    from dim_region r join provinces p on p.region_code = r.region_code
    where $level = 'region'
    group by all
    union all
    select p.province_code, dp.name_th, dp.name_en, p.population
    from provinces p join dim_province dp on dp.province_code = p.province_code
    where $level = 'province'
    union all
    select d.district_code, dd.name_th, dd.name_en, d.population
    from districts d join dim_district dd on dd.district_code = d.district_code
    where $level = 'district'
),

sellers as (
    select
        s.seller_id,
        coalesce(s.is_low_income, false) as is_low_income,
        coalesce(s.count_members, 1) as count_members,
        s.approved_at,
        case $level
            when 'region' then p.region_code
            when 'province' then s.province_code
            else s.district_code
        end as area_code
    from dim_seller s
    join provinces p on p.province_code = s.province_code
),

orders as (
    select seller_id, count_orders, sales_thb
    from seller_windows
    where window_no = $window_no and count_orders > 0
),

first_orders as (
    select seller_id, first_at
    from seller_windows
    where window_no = -1
),

payouts as (
    select seller_id, income_thb
    from seller_windows
    where $use_payouts and window_no = $window_no
),

per_seller as (
    select
        s.*,
        coalesce(o.count_orders, 0) as count_orders,
        coalesce(o.sales_thb, 0) as sales_thb,
        case when $use_payouts then coalesce(i.income_thb, 0) else coalesce(o.sales_thb, 0) end
            as income_thb,
        f.first_at
    from sellers s
    left join orders o on o.seller_id = s.seller_id
    left join payouts i on i.seller_id = s.seller_id
    left join first_orders f on f.seller_id = s.seller_id
),

measures as (
    select
        area_code,
        count(*) filter (where approved_at < $end) as n_registered,
        count(*) filter (where approved_at >= $start and approved_at < $end) as n_approved,
        count(*) filter (where count_orders > 0) as n_active,
        count(*) filter (where count_orders > 0 and is_low_income) as n_active_low_income,
        coalesce(sum(count_members) filter (where count_orders > 0), 0) as n_members_reached,
        count(*) filter (where first_at >= $start and first_at < $end) as n_first_time,
        sum(count_orders) as n_orders,
        sum(sales_thb) as gmv_thb,
        sum(income_thb) as income_thb,
        coalesce(sum(income_thb) filter (where is_low_income), 0) as income_low_income_thb,
        count(*) filter (where income_thb > 0) as n_income,
        count(*) filter (where income_thb > 0 and is_low_income) as n_income_low_income
    from per_seller
    group by area_code
),

final as (
    select
        a.area_code,
        a.name_th,
        a.name_en,
        cast(coalesce(a.population, 0) as double) as population,
        coalesce(m.n_registered, 0) as n_registered,
        coalesce(m.n_approved, 0) as n_approved,
        coalesce(m.n_active, 0) as n_active,
        coalesce(m.n_active_low_income, 0) as n_active_low_income,
        coalesce(m.n_members_reached, 0) as n_members_reached,
        coalesce(m.n_first_time, 0) as n_first_time,
        coalesce(m.n_orders, 0) as n_orders,
        cast(coalesce(m.gmv_thb, 0) as double) as gmv_thb,
        cast(coalesce(m.income_thb, 0) as double) as income_thb,
        cast(coalesce(m.income_low_income_thb, 0) as double) as income_low_income_thb,
        coalesce(m.n_income, 0) as n_income,
        coalesce(m.n_income_low_income, 0) as n_income_low_income
    from areas a
    left join measures m on m.area_code = a.area_code
)

select * from final order by area_code
