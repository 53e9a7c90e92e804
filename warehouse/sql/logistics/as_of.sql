-- The logistics "now": the newest event any shipment has, and its working day
-- (mart_working_day.wd_index: a shipment is overdue when that is past its due_wd), as
-- mart_logistics_now keeps them with the timing marts (the demo ends today, a real feed
-- may end days earlier). grain: one row (nulls on an empty lake).
select max(as_of) as as_of, max(as_of_wd) as as_of_wd from mart_logistics_now
