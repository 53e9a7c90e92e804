-- Logistics, version 23: the timing marts the logistics pages read instead of fct_shipment
-- and fct_tracking_event. Both are written by etl/load/shipment_state.py: a tracking or
-- shipments load replaces the rows of the shipments it touches (in the load's own
-- transaction), a holiday change rewrites them all; the statements are
-- warehouse/sql/logistics/shipment_timing.sql and mail_centre_stays.sql, the only place
-- "working days", "due", "on time" and the segment times are worked out. Rows are written
-- in acceptance order, so a page's period reads only the files and row groups of its days.
-- The backfill of an existing lake is 0023_logistics_timing.py (the same statements).
-- "Overdue" depends on the day asked about, so it is not stored: a shipment is due when it
-- is delivered or when the working day of "now" is past due_wd (wd_index of now > due_wd).

-- grain: one row per shipment (fct_shipment row)
create table if not exists mart_shipment_timing (
    tracking_no varchar,            -- key
    order_id varchar,
    service_code varchar,
    origin_branch_code varchar,
    dest_branch_code varchar,
    origin_mail_centre_code varchar,
    dest_mail_centre_code varchar,
    dest_province_code varchar,
    dest_subdistrict_code varchar,
    dest_postal_code varchar,
    cold_chain_class varchar,
    is_cold_chain boolean,
    standard_days integer,
    accepted_at timestamp,
    delivered_at timestamp,
    is_delivered boolean,           -- delivered_at is not null
    is_returned boolean,
    accepted_wd bigint,             -- mart_working_day.wd_index of the accepted day
    delivered_wd bigint,            -- and of the delivered day
    due_wd bigint,                  -- accepted_wd + standard_days: overdue once now's wd_index > due_wd
    k integer,                      -- D+k: delivered_wd - accepted_wd
    is_on_time boolean,             -- delivered and k <= standard_days
    is_late_delivered boolean,      -- delivered and k > standard_days
    is_out_for_delivery boolean,    -- a 301
    is_first_attempt boolean,       -- out, delivered, no failed attempt before delivery
    is_failed boolean,              -- out and at least one failed attempt
    last_failure_reason varchar,
    lead_hours double,              -- accepted to delivered, calendar hours
    to_origin_centre_hours double,  -- accepted to the first sorting-centre scan
    between_centres_hours double,   -- first to last sorting-centre scan before the branch
    to_branch_hours double,         -- last sorting-centre scan to the delivering branch
    to_delivery_hours double,       -- arrival at the delivering branch to delivered
    status varchar,
    last_status_code varchar,
    current_location varchar,
    last_event_at timestamp
);

-- grain: one row per mail-centre stay: a sorting-centre arrival (211) followed, among the
-- parcel's 211 and 201 scans in time order, by a departure (201) from the same location
create table if not exists mart_mail_centre_stay (
    tracking_no varchar,            -- key with arrived_at, location
    origin_branch_code varchar,
    service_code varchar,
    accepted_at timestamp,
    location varchar,
    arrived_at timestamp,
    hours double                    -- arrival to the next departure
);

-- grain: one row: the logistics "now", the newest event any shipment has
-- (max(mart_shipment_timing.last_event_at)) and its working day, rewritten with the
-- timing marts (a holiday change rewrites them too)
create table if not exists mart_logistics_now (
    as_of timestamp,                -- key: the one row
    as_of_wd bigint                 -- mart_working_day.wd_index of its day
);

-- grain: one row per monitored cold-chain shipment: a chilled or frozen shipment
-- (ref_cold_chain_range) with readings. run_minutes: each run of out-of-range readings,
-- from its first reading to the next reading back in range (or its last reading when none
-- follows), in minutes; an excursion is a run of at least the EXCURSION_MINUTES setting,
-- counted when the page asks (warehouse/sql/logistics/cold_chain_runs.sql writes it)
create table if not exists mart_cold_chain_shipment (
    tracking_no varchar,            -- key
    cold_chain_class varchar,
    count_readings bigint,
    minutes_out_of_range double,    -- all runs, whatever their length
    run_minutes double[]
);
