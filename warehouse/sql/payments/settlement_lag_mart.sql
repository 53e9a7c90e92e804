-- settlement_lag.sql from the marts (lake migration 0012), for money settled in
-- ($start, $end]. grain: one row per rail per lag. key: rail, lag_business_days
select rail, lag_business_days, cast(sum(count_settled) as bigint) as count_settled
from lake.mart_pay_settle_lag
where day > $start and day <= $end
group by all
order by rail, lag_business_days
