-- The day the lake's money is known up to: the newest day with a successful payment.
-- grain: one row.
select max(cast(paid_at as date)) as as_of
from lake.fct_payment
where status = 'success'
