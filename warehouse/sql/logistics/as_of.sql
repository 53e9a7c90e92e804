-- The logistics "now": the newest event any shipment has (the demo ends today, a real
-- feed may end days earlier). grain: one row.
select max(last_event_at) as as_of from fct_shipment
