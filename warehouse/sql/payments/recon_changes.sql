-- What the lake's commits after the last reconciliation changed (snapshots ($from_snapshot,
-- $to_snapshot]): the keys of every money row inserted, updated or deleted, as the lists
-- marts/since.sql takes, the earliest day those rows carry, and whether a table that
-- moves every break (the seller master, the calendar, the gateways' contracts) changed.
-- grain: one row. Used by dashboard/payments/recon.py (an incremental run).
with pay as (
    select transaction_id, order_id, created_at, paid_at
    from ducklake_table_insertions('lake', 'main', 'fct_payment', $from_snapshot, $to_snapshot)
    union all
    select transaction_id, order_id, created_at, paid_at
    from ducklake_table_deletions('lake', 'main', 'fct_payment', $from_snapshot, $to_snapshot)
),

line as (
    select transaction_id, settlement_batch_id, merchant_order_ref, paid_at, settled_on
    from ducklake_table_insertions(
        'lake', 'main', 'fct_settlement', $from_snapshot, $to_snapshot)
    union all
    select transaction_id, settlement_batch_id, merchant_order_ref, paid_at, settled_on
    from ducklake_table_deletions('lake', 'main', 'fct_settlement', $from_snapshot, $to_snapshot)
),

counter as (
    select ref1, bank_code, paid_at
    from ducklake_table_insertions(
        'lake', 'main', 'fct_counter_payment', $from_snapshot, $to_snapshot)
    union all
    select ref1, bank_code, paid_at
    from ducklake_table_deletions(
        'lake', 'main', 'fct_counter_payment', $from_snapshot, $to_snapshot)
),

remit as (
    select tracking_no, deposit_ref, collected_at, remitted_at
    from ducklake_table_insertions(
        'lake', 'main', 'fct_cod_remittance', $from_snapshot, $to_snapshot)
    union all
    select tracking_no, deposit_ref, collected_at, remitted_at
    from ducklake_table_deletions(
        'lake', 'main', 'fct_cod_remittance', $from_snapshot, $to_snapshot)
),

credit as (
    select reference, value_on
    from ducklake_table_insertions('lake', 'main', 'fct_bank_credit', $from_snapshot, $to_snapshot)
    union all
    select reference, value_on
    from ducklake_table_deletions('lake', 'main', 'fct_bank_credit', $from_snapshot, $to_snapshot)
),

ship as (
    select tracking_no, order_id, delivered_at
    from ducklake_table_insertions('lake', 'main', 'fct_shipment', $from_snapshot, $to_snapshot)
    union all
    select tracking_no, order_id, delivered_at
    from ducklake_table_deletions('lake', 'main', 'fct_shipment', $from_snapshot, $to_snapshot)
),

ord as (
    select order_id, ordered_at
    from ducklake_table_insertions('lake', 'main', 'fct_order', $from_snapshot, $to_snapshot)
    union all
    select order_id, ordered_at
    from ducklake_table_deletions('lake', 'main', 'fct_order', $from_snapshot, $to_snapshot)
),

everything as (
    select count(*) as n
    from ducklake_table_insertions('lake', 'main', 'dim_seller', $from_snapshot, $to_snapshot)
    union all
    select count(*)
    from ducklake_table_deletions('lake', 'main', 'dim_seller', $from_snapshot, $to_snapshot)
    union all
    select count(*)
    from ducklake_table_insertions('lake', 'main', 'dim_date', $from_snapshot, $to_snapshot)
    union all
    select count(*)
    from ducklake_table_deletions('lake', 'main', 'dim_date', $from_snapshot, $to_snapshot)
    union all
    select count(*) from ducklake_table_insertions(
        'lake', 'main', 'ref_gateway_contract', $from_snapshot, $to_snapshot)
    union all
    select count(*) from ducklake_table_deletions(
        'lake', 'main', 'ref_gateway_contract', $from_snapshot, $to_snapshot)
),

keys as (
    select 'txn' as kind, transaction_id as k from pay
    union all select 'txn', transaction_id from line
    union all select 'order', order_id from pay
    union all select 'order', merchant_order_ref from line
    union all select 'order', ref1 from counter
    union all select 'order', order_id from ship
    union all select 'order', order_id from ord
    union all select 'tracking', tracking_no from remit
    union all select 'tracking', tracking_no from ship
    union all select 'ref', settlement_batch_id from line
    union all select 'ref', deposit_ref from remit
    union all select 'ref', reference from credit
    union all select 'ref', 'BILL-' || bank_code || '-' || strftime(cast(paid_at as date), '%Y%m%d')
    from counter
),

days as (
    select least(cast(created_at as date), cast(paid_at as date)) as d from pay
    union all select least(cast(paid_at as date), settled_on) from line
    union all select cast(paid_at as date) from counter
    union all select least(cast(collected_at as date), cast(remitted_at as date)) from remit
    union all select value_on from credit
    union all select cast(delivered_at as date) from ship
    union all select cast(ordered_at as date) from ord
)

select
    coalesce(list(distinct k) filter (where kind = 'txn' and k is not null), []) as txn_ids,
    coalesce(list(distinct k) filter (where kind = 'order' and k is not null), [])
        as order_ids,
    coalesce(list(distinct k) filter (where kind = 'tracking' and k is not null), [])
        as tracking_nos,
    coalesce(list(distinct k) filter (where kind = 'ref' and k is not null), []) as refs,
    (select min(d) from days) as floor,
    (select count(*) from keys) as count_keys,
    (select sum(n) from everything) as count_everything
from keys
