-- mart_pay_attempt_day for the attempt days from $since (lake migration 0012).
-- grain: one row per day × channel × txn_type × status × failure_reason.
select
    concat_ws(
        '|',
        coalesce(cast(cast(created_at as date) as varchar), '∅'),
        coalesce(cast(channel as varchar), '∅'),
        coalesce(cast(txn_type as varchar), '∅'),
        coalesce(cast(status as varchar), '∅'),
        coalesce(cast(failure_reason as varchar), '∅')
    ) as mart_key,
    cast(created_at as date) as day,
    channel,
    txn_type,
    status,
    failure_reason,
    count(*) as count_txn,
    max(cast(paid_at as date)) as max_paid_on
from fct_payment
where created_at >= cast($since as timestamp)
group by all
