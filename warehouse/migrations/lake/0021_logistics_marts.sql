-- Logistics marts, version 21: working days and unknown parcels.

-- grain: one row per calendar day of dim_date
-- key: date_day
-- A working day is a working day of the reference calendar (dim_date.is_working_day: not a
-- Sunday, not a holiday of the committed tables) that is not a public holiday of the
-- `holidays` package's Thai calendar (ref_public_holiday); a cabinet day
-- (ref_holiday_override) decides either way: is_holiday true makes it a holiday, false a
-- working day. wd_index counts the working days up to and including the day, so
-- wd_index(b) - wd_index(a) is the number of working days after a, up to b.
create or replace view mart_working_day as
with days as (
    select
        dim_date.date_day,
        case
            when ref_holiday_override.date_day is not null then ref_holiday_override.is_holiday
            else ref_public_holiday.date_day is not null
                 or coalesce(dim_date.is_public_holiday, false)
        end as is_holiday,
        case
            when ref_holiday_override.date_day is not null
                then not ref_holiday_override.is_holiday
            else coalesce(dim_date.is_working_day, true) and ref_public_holiday.date_day is null
        end as is_working_day,
        coalesce(ref_holiday_override.name_th, ref_public_holiday.name_th, dim_date.holiday_name_th)
            as holiday_name_th,
        coalesce(ref_holiday_override.name_en, ref_public_holiday.name_en, dim_date.holiday_name_en)
            as holiday_name_en
    from dim_date
    left join ref_public_holiday on ref_public_holiday.date_day = dim_date.date_day
    left join ref_holiday_override on ref_holiday_override.date_day = dim_date.date_day
)
select
    date_day,
    is_holiday,
    holiday_name_th,
    holiday_name_en,
    is_working_day,
    sum(case when is_working_day then 1 else 0 end) over (order by date_day) as wd_index
from days;

-- grain: one row per tracking number that has events but no shipment (no label, not in
-- the demo): kept, and listed, until its label arrives.
-- key: tracking_no
create or replace view mart_unknown_parcel as
select
    fct_tracking_event.tracking_no,
    count(*) as count_events,
    min(fct_tracking_event.event_at) as first_event_at,
    max(fct_tracking_event.event_at) as last_event_at,
    arg_max(fct_tracking_event.status_code, fct_tracking_event.event_at) as last_status_code,
    arg_max(fct_tracking_event.location, fct_tracking_event.event_at) as last_location
from fct_tracking_event
anti join fct_shipment on fct_shipment.tracking_no = fct_tracking_event.tracking_no
group by fct_tracking_event.tracking_no;
