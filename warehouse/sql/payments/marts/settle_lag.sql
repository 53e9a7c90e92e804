-- mart_pay_settle_lag for the settled days from $since (lake migration 0012): the rows of
-- warehouse/sql/payments/settlement_lag.sql counted per day.
-- grain: one row per rail × day × lag_business_days.
with bd as materialized (
    select date_day, business_day_seq, roll_seq from mart_business_day
),

gw as (
    select 'gateway' as rail, s.settled_on as day, e.business_day_seq - b.roll_seq as lag
    from fct_settlement s
    join bd b on b.date_day = cast(s.paid_at as date)
    join bd e on e.date_day = s.settled_on
    where s.settled_on >= $since and s.txn_type = 'charge'
),

counter as (
    select 'counter', k.value_on, e.business_day_seq - b.roll_seq
    from fct_counter_payment c
    join fct_bank_credit k
        on k.reference = 'BILL-' || c.bank_code || '-' || strftime(cast(c.paid_at as date), '%Y%m%d')
    join bd b on b.date_day = cast(c.paid_at as date)
    join bd e on e.date_day = k.value_on
    where k.value_on >= $since
),

cod as (
    select 'cod', cast(r.remitted_at as date), e.business_day_seq - b.roll_seq
    from fct_cod_remittance r
    join bd b on b.date_day = cast(r.collected_at as date)
    join bd e on e.date_day = cast(r.remitted_at as date)
    where r.remitted_at >= cast($since as timestamp)
)

select rail, day, lag as lag_business_days, count(*) as count_settled
from (select * from gw union all select * from counter union all select * from cod)
group by all
