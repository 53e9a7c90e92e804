-- Cold-chain excursions of the monitored shipments in scope accepted in [$start, $end)
-- (mart_cold_chain_shipment, cold_chain_runs.sql: the runs of out-of-range readings and
-- their minutes): an excursion is a run lasting at least $min_minutes.
-- grain: one row per monitored shipment (it has readings).
with scoped as (
    select
        tracking_no,
        origin_branch_code,
        origin_mail_centre_code,
        dest_mail_centre_code,
        dest_province_code
    from mart_shipment_timing
    where accepted_at >= $start
      and accepted_at < $end
      and cold_chain_class in ('chilled', 'frozen')
      and ($service is null or service_code = $service)
      and ($national or origin_branch_code in (select unnest($branches)))
),

final as (
    select
        scoped.tracking_no,
        c.cold_chain_class,
        scoped.origin_branch_code,
        scoped.origin_mail_centre_code,
        scoped.dest_mail_centre_code,
        origin.province_code as origin_province_code,
        scoped.dest_province_code,
        c.minutes_out_of_range,
        cast(len(list_filter(c.run_minutes, m -> m >= $min_minutes)) as bigint)
            as count_excursions
    from scoped
    join mart_cold_chain_shipment as c on c.tracking_no = scoped.tracking_no
    left join dim_branch as origin on origin.branch_code = scoped.origin_branch_code
)

select *, count_excursions > 0 as has_excursion
from final
order by minutes_out_of_range desc, tracking_no
