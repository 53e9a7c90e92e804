-- Postmart lake schema, version 1.
-- Conventions: <entity>_id / *_code keys; *_at timestamps in Asia/Bangkok local time;
-- *_on dates; is_* booleans; count_* counts; units as suffixes (*_thb, *_kg, *_c).
-- DuckLake has no key constraints: each table's key is stated here and tested unique
-- and not null (tests/integration/test_lake_keys.py).

create table if not exists schema_migrations (
    version integer,            -- key
    name varchar,
    applied_at timestamp
);

-- ---------------------------------------------------------------- dimensions

-- grain: one row per geographic region (six-region grouping of the Royal Institute)
create table if not exists dim_region (
    region_code varchar,        -- key: north, central, northeast, west, east, south
    name_th varchar,
    name_en varchar
);

-- grain: one row per Thailand Post regional office (ปข.)
create table if not exists dim_postal_region (
    postal_region_code varchar, -- key: PR01 … PR10
    name_th varchar,
    name_en varchar
);

-- grain: one row per postal zone (first digit of the postal code)
create table if not exists dim_postal_zone (
    postal_zone varchar,        -- key: '1' … '9'
    name_th varchar,
    name_en varchar
);

-- grain: one row per province (DOPA code)
create table if not exists dim_province (
    province_code varchar,      -- key: DOPA code, '10' = Bangkok
    name_th varchar,
    name_en varchar,
    region_code varchar,
    postal_region_code varchar,
    population_weight double,   -- estimated share of the national population (docs/reference-data.md)
    lat double,
    lon double
);

-- grain: one row per district (amphoe / khet)
create table if not exists dim_district (
    district_code varchar,      -- key: DOPA code
    province_code varchar,
    name_th varchar,
    name_en varchar,
    lat double,
    lon double
);

-- grain: one row per subdistrict (tambon / khwaeng)
create table if not exists dim_subdistrict (
    subdistrict_code varchar,   -- key: DOPA code
    district_code varchar,
    province_code varchar,
    name_th varchar,
    name_en varchar,
    postal_code varchar,        -- the subdistrict's main postal code
    lat double,
    lon double,
    population_weight double    -- share of its province's population
);

-- grain: one row per subdistrict per postal code it uses (join table: never join by prefix)
create table if not exists dim_postal_code (
    postal_code varchar,        -- key with subdistrict_code
    subdistrict_code varchar,
    district_code varchar,
    province_code varchar,
    postal_zone varchar
);

-- grain: one row per mail centre (ศป.), the hubs of the network
create table if not exists dim_mail_centre (
    mail_centre_code varchar,   -- key
    name_th varchar,
    name_en varchar,
    province_code varchar,
    postal_region_code varchar,
    lat double,
    lon double
);

-- grain: one row per branch (post office, licensed post office, counter, shop)
create table if not exists dim_branch (
    branch_code varchar,        -- key
    name_th varchar,
    name_en varchar,
    branch_type varchar,        -- post_office, licensed_post_office, counter, shop
    subdistrict_code varchar,
    district_code varchar,
    province_code varchar,
    postal_code varchar,
    postal_region_code varchar,
    mail_centre_code varchar,
    lat double,
    lon double,
    is_active boolean,
    source varchar              -- generated or the branch master file name
);

-- grain: one row per community digital centre (ศูนย์ดิจิทัลชุมชน)
create table if not exists dim_digital_centre (
    digital_centre_id varchar,  -- key
    name_th varchar,
    name_en varchar,
    subdistrict_code varchar,
    district_code varchar,
    province_code varchar,
    lat double,
    lon double
);

-- grain: one row per seller
create table if not exists dim_seller (
    seller_id varchar,          -- key
    seller_type varchar,        -- community_enterprise, otop_producer, farmer_group, housewife_group, individual
    name_th varchar,
    name_en varchar,
    national_id varchar,        -- representative's 13-digit ID (digits only)
    juristic_id varchar,        -- 13 digits starting 0, when registered
    ce_registration_code varchar, -- community enterprise code, 12 digits
    count_members integer,
    is_low_income boolean,      -- holds / majority of members hold the state welfare card
    province_code varchar,
    district_code varchar,
    subdistrict_code varchar,
    postal_code varchar,
    digital_centre_id varchar,
    bank_code varchar,
    bank_account_no varchar,
    promptpay_proxy varchar,
    phone varchar,
    otop_stars integer,
    status varchar,             -- active, suspended
    registered_at timestamp,
    approved_at timestamp,
    updated_at timestamp
);

-- grain: one row per seller application as the marketplace or an officer exported it
create table if not exists seller_application (
    application_id varchar,     -- key
    seller_type varchar,
    name_th varchar,
    name_en varchar,
    national_id varchar,
    juristic_id varchar,
    ce_registration_code varchar,
    count_members integer,
    is_low_income boolean,
    province_code varchar,
    district_code varchar,
    subdistrict_code varchar,
    postal_code varchar,
    phone varchar,
    bank_code varchar,
    bank_account_no varchar,
    promptpay_proxy varchar,
    digital_centre_id varchar,
    status varchar,             -- submitted, in_review, needs_information, resubmitted, approved, rejected
    submitted_at timestamp,
    decided_at timestamp,
    seller_id varchar,          -- set once approved
    updated_at timestamp
);

-- grain: one row per listing (its current version)
create table if not exists dim_listing (
    listing_id varchar,         -- key
    seller_id varchar,
    category_code varchar,      -- food, beverage, textile, household, herbal
    title_th varchar,
    title_en varchar,
    price_thb decimal(12, 2),
    weight_kg double,
    is_perishable boolean,
    temperature_class varchar,  -- ambient, chilled, frozen
    has_photo boolean,
    status varchar,             -- pending, approved, rejected, changes_requested
    created_at timestamp,
    updated_at timestamp
);

-- grain: one row per calendar day
create table if not exists dim_date (
    date_day date,              -- key
    year integer,
    year_be integer,
    month integer,
    quarter integer,
    fiscal_year_be integer,     -- Thai fiscal year starts 1 October
    day_of_week integer,        -- ISO: 1 = Monday
    is_public_holiday boolean,
    holiday_name_th varchar,
    holiday_name_en varchar,
    is_working_day boolean      -- not Sunday and not a public holiday
);

-- ---------------------------------------------------------------- facts

-- grain: one row per marketplace order
create table if not exists fct_order (
    order_id varchar,           -- key
    seller_id varchar,
    buyer_subdistrict_code varchar,
    buyer_postal_code varchar,
    buyer_province_code varchar,
    ordered_at timestamp,
    status varchar,             -- pending_payment, paid, shipped, delivered, cancelled, returned, refunded
    payment_channel varchar,
    service_code varchar,       -- EMS, REG, PCL, LGP, LGP_PLUS, COLD
    count_items integer,
    subtotal_thb decimal(14, 2),
    shipping_fee_thb decimal(14, 2),
    discount_thb decimal(14, 2),
    total_thb decimal(14, 2),
    currency varchar,
    updated_at timestamp
);

-- grain: one row per order line
create table if not exists fct_order_item (
    order_id varchar,           -- key with line_no
    line_no integer,
    listing_id varchar,
    quantity integer,
    unit_price_thb decimal(12, 2),
    amount_thb decimal(14, 2)
);

-- grain: one row per gateway transaction (charge, refund, chargeback, cod)
create table if not exists fct_payment (
    transaction_id varchar,     -- key
    order_id varchar,
    gateway varchar,
    channel varchar,            -- promptpay, card, mobile_banking, counter, ewallet, cod
    txn_type varchar,           -- charge, refund, chargeback, cod
    status varchar,             -- success, failed, pending
    failure_reason varchar,
    created_at timestamp,
    paid_at timestamp,
    amount_thb decimal(14, 2),
    currency varchar
);

-- grain: one row per settlement report line (a transaction in a settlement batch)
create table if not exists fct_settlement (
    transaction_id varchar,     -- key with settlement_batch_id
    settlement_batch_id varchar,
    gateway varchar,
    merchant_order_ref varchar, -- our order_id
    txn_type varchar,
    channel varchar,
    created_at timestamp,
    paid_at timestamp,
    settled_on date,
    gross_thb decimal(14, 2),
    fee_thb decimal(14, 2),
    fee_vat_thb decimal(14, 2),
    net_thb decimal(14, 2),
    refunded_thb decimal(14, 2),
    status varchar,
    currency varchar,
    source_file varchar
);

-- grain: one row per seller payout
create table if not exists fct_payout (
    payout_id varchar,          -- key
    seller_id varchar,
    period_start_on date,
    period_end_on date,
    scheduled_on date,
    paid_at timestamp,
    count_orders integer,
    gross_thb decimal(14, 2),
    fee_thb decimal(14, 2),
    transfer_fee_thb decimal(14, 2),
    net_thb decimal(14, 2),
    bank_code varchar,
    bank_account_no varchar,
    status varchar              -- scheduled, paid, held, failed
);

-- grain: one row per shipment (one tracking number)
create table if not exists fct_shipment (
    tracking_no varchar,        -- key: S10, e.g. EF582568151TH
    order_id varchar,
    service_code varchar,
    origin_branch_code varchar,
    dest_branch_code varchar,
    origin_mail_centre_code varchar,
    dest_mail_centre_code varchar,
    dest_postal_code varchar,
    dest_province_code varchar,
    weight_kg double,
    is_cold_chain boolean,
    is_cod boolean,
    cod_amount_thb decimal(14, 2),
    standard_days integer,      -- service standard, working days
    accepted_at timestamp,      -- first 103 (or 102)
    first_out_for_delivery_at timestamp,
    delivered_at timestamp,     -- first 501
    count_failed_attempts integer,
    is_returned boolean,
    last_status_code varchar,
    last_event_at timestamp
);

-- grain: one row per tracking event (a status of one item at one time and place)
create table if not exists fct_tracking_event (
    tracking_no varchar,        -- key with status_code, event_at, location
    status_code varchar,        -- Thailand Post code (103, 201, 501, …); unknown codes kept
    status_description varchar,
    event_at timestamp,
    location varchar,
    postcode varchar,           -- may be an agent counter code, not a postal code
    branch_code varchar,
    delivery_status varchar,
    receiver_name varchar,
    source varchar              -- demo, track_api, jsonl
);

-- grain: one row per cold-chain sensor reading of a shipment
create table if not exists fct_cold_chain_reading (
    tracking_no varchar,        -- key with read_at
    read_at timestamp,
    temperature_c double,
    min_c double,               -- the product's range
    max_c double
);

-- ---------------------------------------------------------------- ETL bookkeeping

-- grain: one row per file load attempt that committed
create table if not exists etl_load (
    load_id varchar,            -- key
    feed varchar,
    file_name varchar,
    file_path varchar,
    content_sha256 varchar,
    started_at timestamp,
    finished_at timestamp,
    count_read bigint,
    count_loaded bigint,
    count_quarantined bigint,
    loaded_by varchar
);

-- grain: one row per rejected field of a rejected row
create table if not exists etl_quarantine (
    load_id varchar,            -- key with line_no, field
    feed varchar,
    file_name varchar,
    line_no bigint,             -- 1-based line (CSV: header is line 1), or record number
    field varchar,
    value varchar,
    reason_code varchar,
    reason varchar,
    record varchar              -- the whole row as JSON
);
