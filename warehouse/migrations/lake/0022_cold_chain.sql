-- Logistics, version 22: cold-chain temperature ranges.

-- grain: one row per cold-chain class that is monitored
create table if not exists ref_cold_chain_range (
    cold_chain_class varchar,   -- key: chilled, frozen
    min_c double,               -- in range when min_c <= temperature_c <= max_c (inclusive)
    max_c double,
    name_th varchar,
    name_en varchar
);

-- Chilled 2–8 °C (WHO cold chain); frozen about −18 °C: −22 to −15 °C here, the range the
-- demo's loggers hold. Edit the table for another product's range.
insert into ref_cold_chain_range values
    ('chilled', 2.0, 8.0, 'แช่เย็น', 'Chilled'),
    ('frozen', -22.0, -15.0, 'แช่แข็ง', 'Frozen');
