-- Cold-chain excursions of the monitored shipments in scope accepted in [$start, $end).
-- A reading is out of range when its temperature is below min_c or above max_c of the
-- shipment's class (ref_cold_chain_range; the limits themselves are in range). A run of
-- out-of-range readings starts at its first reading and ends at the next reading back in
-- range (or at its last reading when none follows); it is an excursion when it lasts at
-- least $min_minutes. grain: one row per monitored shipment (it has readings).
with scoped as (
    select mart_shipment_timing.*
    from mart_shipment_timing
    where mart_shipment_timing.accepted_at >= $start
      and mart_shipment_timing.accepted_at < $end
      and mart_shipment_timing.cold_chain_class in ('chilled', 'frozen')
      and ($service is null or mart_shipment_timing.service_code = $service)
      and ($national or mart_shipment_timing.origin_branch_code in (select unnest($branches)))
),

readings as (
    select
        r.tracking_no,
        r.read_at,
        r.temperature_c < ref.min_c or r.temperature_c > ref.max_c as is_out
    from fct_cold_chain_reading as r
    join scoped on scoped.tracking_no = r.tracking_no
    join ref_cold_chain_range as ref on ref.cold_chain_class = scoped.cold_chain_class
),

numbered as (
    select
        *,
        -- in-range readings so far: the out-of-range readings of one run share it
        sum(case when is_out then 0 else 1 end) over (
            partition by tracking_no order by read_at rows unbounded preceding
        ) as back_count
    from readings
),

runs as (
    select tracking_no, back_count, min(read_at) as started_at, max(read_at) as last_at
    from numbered
    where is_out
    group by 1, 2
),

ends as (
    select tracking_no, back_count, min(read_at) as back_at
    from numbered
    where not is_out
    group by 1, 2
),

timed as (
    select
        runs.tracking_no,
        epoch(coalesce(ends.back_at, runs.last_at) - runs.started_at) / 60.0 as minutes
    from runs
    left join ends
        on ends.tracking_no = runs.tracking_no and ends.back_count = runs.back_count + 1
),

per_shipment as (
    select
        tracking_no,
        sum(minutes) as minutes_out_of_range,
        count(*) filter (where minutes >= $min_minutes) as count_excursions
    from timed
    group by 1
),

monitored as (
    select distinct tracking_no from readings
)

select
    scoped.tracking_no,
    scoped.cold_chain_class,
    scoped.origin_branch_code,
    scoped.origin_mail_centre_code,
    scoped.dest_mail_centre_code,
    origin.province_code as origin_province_code,
    scoped.dest_province_code,
    coalesce(per_shipment.minutes_out_of_range, 0) as minutes_out_of_range,
    coalesce(per_shipment.count_excursions, 0) as count_excursions,
    coalesce(per_shipment.count_excursions, 0) > 0 as has_excursion
from scoped
join monitored on monitored.tracking_no = scoped.tracking_no
left join per_shipment on per_shipment.tracking_no = scoped.tracking_no
left join dim_branch as origin on origin.branch_code = scoped.origin_branch_code
order by minutes_out_of_range desc, scoped.tracking_no
