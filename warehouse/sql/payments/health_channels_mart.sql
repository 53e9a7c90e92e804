-- health_channels.sql from the marts (lake migration 0012).
-- Payment health per channel: the last $recent_days against the $baseline_days before them,
-- ending $end; refunds and chargebacks against the successful charges of the recent window.
-- grain: one row per channel. key: channel
-- A channel is flagged when its recent success rate is below its own baseline by at least
-- $min_drop_points percentage points and the drop is clear: a two-proportion z statistic
-- below -$z_limit (a dip in a quiet channel is not an alarm).
with charges as (
    select
        channel,
        day > $end - to_days($recent_days) as is_recent,
        status,
        count_txn
    from lake.mart_pay_attempt_day
    where txn_type = 'charge' and status in ('success', 'failed')
      and day > $end - to_days($recent_days + $baseline_days)
      and day <= $end
),

rates as (
    select
        channel,
        cast(coalesce(sum(count_txn) filter (where is_recent), 0) as bigint) as n_recent,
        cast(coalesce(sum(count_txn) filter (where is_recent and status = 'success'), 0)
            as bigint) as ok_recent,
        cast(coalesce(sum(count_txn) filter (where not is_recent), 0) as bigint) as n_base,
        cast(coalesce(sum(count_txn) filter (where not is_recent and status = 'success'), 0)
            as bigint) as ok_base
    from charges
    group by channel
),

money_back as (
    select
        channel,
        cast(coalesce(sum(count_txn) filter (where txn_type = 'refund'), 0) as bigint)
            as count_refunds,
        cast(coalesce(sum(count_txn) filter (where txn_type = 'chargeback'), 0) as bigint)
            as count_chargebacks,
        cast(coalesce(sum(count_txn) filter (where txn_type = 'charge'), 0) as bigint)
            as count_charges_ok
    from lake.mart_pay_attempt_day
    where status = 'success'
      and day > $end - to_days($recent_days)
      and day <= $end
    group by channel
),

scored as (
    select
        r.channel,
        r.n_recent,
        100.0 * r.ok_recent / nullif(r.n_recent, 0) as success_rate,
        100.0 * r.ok_base / nullif(r.n_base, 0) as baseline_rate,
        (r.ok_recent / nullif(r.n_recent, 0) - r.ok_base / nullif(r.n_base, 0))
            / nullif(sqrt(
                ((r.ok_recent + r.ok_base) / (r.n_recent + r.n_base))
                * (1 - (r.ok_recent + r.ok_base) / (r.n_recent + r.n_base))
                * (1.0 / nullif(r.n_recent, 0) + 1.0 / nullif(r.n_base, 0))
            ), 0) as z
    from rates r
)

select
    s.channel,
    s.n_recent as count_decided,
    s.success_rate,
    s.baseline_rate,
    s.z,
    coalesce(s.baseline_rate - s.success_rate >= $min_drop_points and s.z < -$z_limit, false)
        as is_flagged,
    coalesce(m.count_refunds, 0) as count_refunds,
    coalesce(m.count_chargebacks, 0) as count_chargebacks,
    100.0 * coalesce(m.count_refunds, 0) / nullif(m.count_charges_ok, 0) as refund_rate,
    100.0 * coalesce(m.count_chargebacks, 0) / nullif(m.count_charges_ok, 0) as chargeback_rate
from scored s
left join money_back m using (channel)
order by s.channel
