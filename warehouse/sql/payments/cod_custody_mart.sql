-- cod_custody.sql from the marts (lake migration 0012): COD cash collected (501) and not
-- yet remitted, per delivering branch, as of $as_of, with its age in business days.
-- grain: one row per branch holding cash. key: branch_code
-- $national: every branch; otherwise only list_contains($branches, branch_code).
with bd as materialized (
    select date_day, business_day_seq, roll_seq from lake.mart_business_day
),

today as (
    select business_day_seq from bd where date_day = $as_of
),

held as (
    select
        m.branch_code,
        m.delivered_on,
        m.count_parcels,
        m.custody_thb,
        (select business_day_seq from today) - b.roll_seq as age_business_days
    from lake.mart_pay_cod_held m
    join bd b on b.date_day = m.delivered_on
    where m.delivered_on <= $as_of
      and ($national or list_contains($branches, m.branch_code))
),

final as (
    select
        h.branch_code,
        any_value(br.name_th) as branch_name_th,
        any_value(br.name_en) as branch_name_en,
        any_value(br.province_code) as province_code,
        cast(sum(h.count_parcels) as bigint) as count_parcels,
        sum(h.custody_thb) as custody_thb,
        sum(case when h.age_business_days <= $cod_limit_days then h.custody_thb else 0 end)
            as within_limit_thb,
        sum(case when h.age_business_days > $cod_limit_days then h.custody_thb else 0 end)
            as overdue_thb,
        min(h.delivered_on) as oldest_on,
        max(h.age_business_days) as max_age_business_days
    from held h
    left join lake.dim_branch br using (branch_code)
    group by h.branch_code
)

select * from final
order by overdue_thb desc, custody_thb desc, branch_code
