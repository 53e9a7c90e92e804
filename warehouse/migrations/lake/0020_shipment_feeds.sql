-- Logistics, version 20: parcel labels, shipment state read off the tracking events,
-- service standards, working days (holidays package + cabinet days) and unknown parcels.
-- fct_shipment and fct_tracking_event keep every column they had; the state columns below
-- are added and maintained by etl/load/shipment_state.py on each load.

alter table fct_shipment add column dest_subdistrict_code varchar;
alter table fct_shipment add column cold_chain_class varchar;        -- ambient, chilled, frozen
alter table fct_shipment add column created_at timestamp;            -- label printed
alter table fct_shipment add column status varchar;                  -- warehouse/vocab.py SHIPMENT_STATUSES
alter table fct_shipment add column returned_at timestamp;           -- first 203
alter table fct_shipment add column last_failure_reason varchar;     -- delivery_status of the last 401
alter table fct_shipment add column current_location varchar;        -- where the parcel is now
alter table fct_shipment add column current_branch_code varchar;
alter table fct_shipment add column count_events integer;            -- distinct events
alter table fct_shipment add column first_failed_at timestamp;       -- first 401
alter table fct_shipment add column first_sorting_at timestamp;      -- first 211: origin mail centre
alter table fct_shipment add column last_sorting_at timestamp;       -- last 211 before the branch: destination mail centre
alter table fct_shipment add column arrived_branch_at timestamp;     -- first 206: at the delivering branch

-- grain: one row per parcel label as the shipments feed delivered it
create table if not exists fct_shipment_label (
    tracking_no varchar,        -- key
    order_id varchar,
    service_code varchar,
    origin_branch_code varchar, -- the acceptance branch
    dest_subdistrict_code varchar,
    dest_postal_code varchar,
    weight_kg double,
    cod_amount_thb decimal(14, 2),
    cold_chain_class varchar,
    created_at timestamp,
    source varchar
);

-- grain: one row per delivery service
create table if not exists ref_service_standard (
    service_code varchar,       -- key
    standard_days integer,      -- working days from acceptance to delivery
    name_th varchar,
    name_en varchar
);

-- grain: one row per public holiday date of the `holidays` package's Thai calendar
create table if not exists ref_public_holiday (
    date_day date,              -- key
    name_th varchar,
    name_en varchar,
    source varchar              -- holidays==<version>
);

-- grain: one row per day the cabinet adds as a holiday (or, rarely, makes a working day)
create table if not exists ref_holiday_override (
    date_day date,              -- key
    is_holiday boolean,
    name_th varchar,
    name_en varchar,
    source varchar
);

-- The standards (DOMAIN.md: EMS 1–2, registered 2–5, parcel 3–5, Logispost 5–7, Logispost
-- Plus 2–3 days): the upper end counts. COLD is the programme's temperature-controlled
-- product. The service codes are warehouse/vocab.py SERVICE_CODES (a test keeps them equal).
insert into ref_service_standard values
    ('EMS', 2, 'อีเอ็มเอส', 'EMS'),
    ('REG', 5, 'ลงทะเบียน', 'Registered'),
    ('PCL', 5, 'พัสดุธรรมดา', 'Parcel'),
    ('LGP', 7, 'โลจิสโพสต์', 'Logispost'),
    ('LGP_PLUS', 3, 'โลจิสโพสต์ พลัส', 'Logispost Plus'),
    ('COLD', 2, 'ขนส่งควบคุมอุณหภูมิ', 'Cold chain');

-- The data logger that took a cold-chain reading (the cold_chain_readings feed).
alter table fct_cold_chain_reading add column logger_id varchar;
