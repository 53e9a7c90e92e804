-- Settlement lag per rail in Thai business days, for money settled in ($start, $end]:
-- gateway: payment day to the settlement line's day; counter: payment day to the bank
-- credit of the day's bill payments; COD: delivery (501) to the branch's remittance.
-- grain: one row per rail per lag. key: rail, lag_business_days
with bd as materialized (
    select date_day, business_day_seq, roll_seq from lake.mart_business_day
),

gw as (
    select 'gateway' as rail, e.business_day_seq - b.roll_seq as lag
    from lake.fct_settlement s
    join bd b on b.date_day = cast(s.paid_at as date)
    join bd e on e.date_day = s.settled_on
    where s.settled_on > $start and s.settled_on <= $end and s.txn_type = 'charge'
),

counter as (
    select 'counter', e.business_day_seq - b.roll_seq
    from lake.fct_counter_payment c
    join lake.fct_bank_credit k
        on k.reference = 'BILL-' || c.bank_code || '-' || strftime(cast(c.paid_at as date), '%Y%m%d')
    join bd b on b.date_day = cast(c.paid_at as date)
    join bd e on e.date_day = k.value_on
    where k.value_on > $start and k.value_on <= $end
),

cod as (
    select 'cod', e.business_day_seq - b.roll_seq
    from lake.fct_cod_remittance r
    join bd b on b.date_day = cast(r.collected_at as date)
    join bd e on e.date_day = cast(r.remitted_at as date)
    where cast(r.remitted_at as date) > $start and cast(r.remitted_at as date) <= $end
)

select rail, lag as lag_business_days, count(*) as count_settled
from (select * from gw union all select * from counter union all select * from cod)
group by all
order by rail, lag_business_days
