-- Logistics, version 24: the shipments still open (not delivered, not returned), their
-- mart_shipment_timing rows copied: the late list asks for stuck parcels of any age, and
-- on the large demo (9.6 M shipments, 160,000 open) reading them out of the whole timing
-- mart cost half a second per branch. Written with mart_shipment_timing by the same
-- statement (warehouse/logistics_marts.py): a load replaces the rows of the shipments it
-- touches, so a parcel delivered today leaves it. The backfill of an existing lake is
-- 0024_open_shipments.py.

-- grain: one row per open shipment (a mart_shipment_timing row with neither is_delivered
-- nor is_returned)
create table if not exists mart_open_shipment (
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
