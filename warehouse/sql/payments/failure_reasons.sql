-- Why charges failed, per channel, for ($start, $end]. grain: one row per channel per
-- reason. key: channel, failure_reason
select channel, coalesce(failure_reason, 'unknown') as failure_reason, count(*) as count_failed
from lake.fct_payment
where txn_type = 'charge' and status = 'failed'
  and cast(created_at as date) > $start and cast(created_at as date) <= $end
group by all
order by count_failed desc, channel, failure_reason
