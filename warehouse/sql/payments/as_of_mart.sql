-- as_of.sql from the marts (lake migration 0012): the newest day with a successful payment.
-- grain: one row.
select max(max_paid_on) as as_of
from lake.mart_pay_attempt_day
where status = 'success'
