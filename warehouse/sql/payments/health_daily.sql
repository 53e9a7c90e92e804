-- Payment health: charges per channel and day for ($start, $end] (by the attempt's day).
-- grain: one row per channel per day. key: channel, day
-- Success rate = successful / decided (successful + failed) charges; pending ones have no
-- outcome yet. COD has no charge (the postman collects): it is not in this view.
select
    channel,
    cast(created_at as date) as day,
    count(*) filter (where status = 'success') as count_ok,
    count(*) filter (where status = 'failed') as count_failed,
    100.0 * count(*) filter (where status = 'success')
        / nullif(count(*) filter (where status in ('success', 'failed')), 0) as success_rate
from lake.fct_payment
where txn_type = 'charge'
  and cast(created_at as date) > $start and cast(created_at as date) <= $end
group by channel, cast(created_at as date)
order by day, channel
