-- COD cash in custody: collected by the postmen (501) and not yet remitted by the branch,
-- per delivering branch, as of $as_of, with its age in business days.
-- grain: one row per branch holding cash. key: branch_code
-- $national: every branch; otherwise only list_contains($branches, branch_code).
with bd as materialized (
    select date_day, is_business_day, business_day_seq, roll_seq
    from lake.mart_business_day
),

today as (
    select business_day_seq from bd where date_day = $as_of
),

held as (
    select
        s.dest_branch_code as branch_code,
        s.cod_amount_thb,
        cast(s.delivered_at as date) as delivered_on,
        (select business_day_seq from today) - b.roll_seq as age_business_days
    from lake.fct_shipment s
    join bd b on b.date_day = cast(s.delivered_at as date)
    left join lake.fct_cod_remittance r using (tracking_no)
    where s.is_cod and s.delivered_at is not null and r.tracking_no is null
      and cast(s.delivered_at as date) <= $as_of
      and ($national or list_contains($branches, s.dest_branch_code))
),

final as (
    select
        h.branch_code,
        any_value(br.name_th) as branch_name_th,
        any_value(br.name_en) as branch_name_en,
        any_value(br.province_code) as province_code,
        count(*) as count_parcels,
        sum(h.cod_amount_thb) as custody_thb,
        sum(case when h.age_business_days <= $cod_limit_days then h.cod_amount_thb else 0 end)
            as within_limit_thb,
        sum(case when h.age_business_days > $cod_limit_days then h.cod_amount_thb else 0 end)
            as overdue_thb,
        min(h.delivered_on) as oldest_on,
        max(h.age_business_days) as max_age_business_days
    from held h
    left join lake.dim_branch br using (branch_code)
    group by h.branch_code
)

select * from final
order by overdue_thb desc, custody_thb desc, branch_code
