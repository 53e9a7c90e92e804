-- failure_reasons.sql from the marts (lake migration 0012), for ($start, $end].
-- grain: one row per channel per reason. key: channel, failure_reason
select
    channel,
    coalesce(failure_reason, 'unknown') as failure_reason,
    cast(sum(count_txn) as bigint) as count_failed
from lake.mart_pay_attempt_day
where txn_type = 'charge' and status = 'failed' and day > $start and day <= $end
group by all
order by count_failed desc, channel, failure_reason
