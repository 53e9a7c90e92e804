-- The working-day index (mart_working_day.wd_index) of $day. grain: one row (none when
-- the day is outside dim_date).
select wd_index from mart_working_day where date_day = $day
