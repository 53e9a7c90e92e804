-- mart_cold_chain_shipment rows of the shipments in _shipments (fct_shipment rows) from
-- their readings in _readings (fct_cold_chain_reading rows: all the readings of those
-- shipments). A reading is out of range when its temperature is below min_c or above
-- max_c of the shipment's class (ref_cold_chain_range; the limits themselves are in
-- range). A run of out-of-range readings starts at its first reading and ends at the next
-- reading back in range (or at its last reading when none follows); the page counts it
-- as an excursion when it lasts at least $min_minutes (cold_chain_excursions.sql).
-- grain: one row per monitored shipment (a class of the range table, and readings).
with readings as (
    select
        r.tracking_no,
        s.cold_chain_class,
        r.read_at,
        r.temperature_c < ref.min_c or r.temperature_c > ref.max_c as is_out
    from _readings as r
    join _shipments as s on s.tracking_no = r.tracking_no
    join ref_cold_chain_range as ref on ref.cold_chain_class = s.cold_chain_class
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
        runs.started_at,
        epoch(coalesce(ends.back_at, runs.last_at) - runs.started_at) / 60.0 as minutes
    from runs
    left join ends
        on ends.tracking_no = runs.tracking_no and ends.back_count = runs.back_count + 1
),

monitored as (
    select tracking_no, any_value(cold_chain_class) as cold_chain_class, count(*) as n
    from readings
    group by 1
)

select
    monitored.tracking_no,
    monitored.cold_chain_class,
    monitored.n as count_readings,
    coalesce(sum(timed.minutes), 0) as minutes_out_of_range,
    coalesce(
        list(timed.minutes order by timed.started_at) filter (where timed.minutes is not null),
        []
    ) as run_minutes
from monitored
left join timed on timed.tracking_no = monitored.tracking_no
group by all
order by monitored.tracking_no
