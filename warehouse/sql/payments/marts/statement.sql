-- mart_pay_statement for the payment (COD: delivery) days from $since (lake migration
-- 0012): the rows of warehouse/sql/payments/statement.sql before the as-of day splits them,
-- payments recorded at exactly their amount summed per due day, the others one by one.
with bd as materialized (
    select date_day, roll_seq from mart_business_day
),

gw_pay as (
    select transaction_id, gateway, paid_at, amount_thb
    from fct_payment
    where status = 'success' and txn_type = 'charge' and channel not in ('counter', 'cod')
      and paid_at >= cast($since as timestamp)
),

gw_line as (
    select transaction_id, sum(gross_thb) as gross_thb
    from fct_settlement
    where transaction_id in (select transaction_id from gw_pay)
    group by transaction_id
),

gw as (
    select
        'gateway' as rail,
        cast(p.paid_at as date) as day,
        b.roll_seq + c.settlement_lag_days as due_base_seq,
        p.transaction_id as ref,
        p.amount_thb,
        l.gross_thb as recorded_thb
    from gw_pay p
    join bd b on b.date_day = cast(p.paid_at as date)
    left join ref_gateway_contract c
        on c.gateway = p.gateway
        and cast(p.paid_at as date) >= c.valid_from_on
        and (c.valid_to_on is null or cast(p.paid_at as date) < c.valid_to_on)
    left join gw_line l using (transaction_id)
),

counter_pay as (
    select transaction_id, order_id, paid_at, amount_thb
    from fct_payment
    where status = 'success' and txn_type = 'charge' and channel = 'counter'
      and paid_at >= cast($since as timestamp)
),

counter as (
    select
        'counter' as rail,
        cast(p.paid_at as date) as day,
        b.roll_seq + 1 as due_base_seq,
        p.transaction_id as ref,
        p.amount_thb,
        c.amount_thb as recorded_thb
    from counter_pay p
    join bd b on b.date_day = cast(p.paid_at as date)
    left join (
        select ref1, arg_min(amount_thb, paid_at) as amount_thb
        from fct_counter_payment
        where ref1 in (select order_id from counter_pay)
        group by ref1
    ) c on c.ref1 = p.order_id
),

cod as (
    select
        'cod' as rail,
        cast(s.delivered_at as date) as day,
        b.roll_seq as due_base_seq,
        s.tracking_no as ref,
        s.cod_amount_thb as amount_thb,
        r.amount_thb as recorded_thb
    from fct_shipment s
    join bd b on b.date_day = cast(s.delivered_at as date)
    left join fct_cod_remittance r using (tracking_no)
    where s.is_cod and s.delivered_at >= cast($since as timestamp)
),

rows as (
    select * from gw union all select * from counter union all select * from cod
)

select
    concat_ws(
        '|',
        coalesce(cast(rail as varchar), '∅'),
        coalesce(cast(day as varchar), '∅'),
        coalesce(cast(due_base_seq as varchar), '∅'),
        coalesce(cast(recorded_thb is not null as varchar), '∅'),
        coalesce(cast(case when abs(recorded_thb) = amount_thb then null else ref end as varchar), '∅')
    ) as mart_key,
    rail,
    day,
    due_base_seq,
    recorded_thb is not null as is_recorded,
    case when abs(recorded_thb) = amount_thb then null else ref end as ref,
    count(*) as count_payments,
    sum(amount_thb) as amount_thb,
    sum(coalesce(abs(recorded_thb), 0)) as recorded_thb
from rows
group by all
