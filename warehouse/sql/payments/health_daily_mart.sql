-- health_daily.sql from the marts (lake migration 0012): charges per channel and day for
-- ($start, $end]. grain: one row per channel per day. key: channel, day
select
    channel,
    day,
    cast(coalesce(sum(count_txn) filter (where status = 'success'), 0) as bigint) as count_ok,
    cast(coalesce(sum(count_txn) filter (where status = 'failed'), 0) as bigint) as count_failed,
    100.0 * cast(coalesce(sum(count_txn) filter (where status = 'success'), 0) as bigint)
        / nullif(cast(sum(count_txn) filter (where status in ('success', 'failed')) as bigint), 0)
        as success_rate
from lake.mart_pay_attempt_day
where txn_type = 'charge' and day > $start and day <= $end
group by channel, day
order by day, channel
