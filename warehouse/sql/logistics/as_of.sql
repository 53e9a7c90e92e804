-- The logistics "now": the newest event any shipment has (mart_logistics_now, kept with
-- the timing marts; the demo ends today, a real feed may end days earlier), and its
-- working day (mart_working_day.wd_index): a shipment is overdue when that is past its
-- due_wd. grain: one row.
with newest as (
    select max(as_of) as as_of from mart_logistics_now
)

select newest.as_of, mart_working_day.wd_index as as_of_wd
from newest
left join mart_working_day on mart_working_day.date_day = cast(newest.as_of as date)
