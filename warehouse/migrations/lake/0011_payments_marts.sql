-- Payments (issue 9): Thai business days, counted once for every lag of the money rails.

-- grain: one row per calendar day of dim_date
-- key: date_day
-- A business day is a weekday that is not a public holiday (banks close on Saturdays).
-- business_day_seq numbers the business days; roll_seq is the number of the business day a
-- payment made that day starts from (the next one when the day itself is not), so the
-- expected settlement of a payment on day d with a lag of n business days is the business
-- day numbered roll_seq(d) + n (numpy's busday_offset with roll="forward").
create or replace view mart_business_day as
with days as (
    select
        date_day,
        day_of_week <= 5 and not coalesce(is_public_holiday, false) as is_business_day
    from dim_date
),

numbered as (
    select
        date_day,
        is_business_day,
        cast(sum(case when is_business_day then 1 else 0 end)
            over (order by date_day rows unbounded preceding) as integer) as business_day_seq
    from days
)

select
    date_day,
    is_business_day,
    business_day_seq,
    case when is_business_day then business_day_seq else business_day_seq + 1 end as roll_seq
from numbered;
