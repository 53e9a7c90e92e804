-- Postmart lake, impact, version 32: when each community digital centre opened
-- (ศูนย์ดิจิทัลชุมชน; issue 11, item 5). Loaded by the `digital_centre_openings` feed
-- (docs/feeds.md); the demo writes staggered openings. A centre without a row has not
-- opened (yet).
-- grain: one row per digital centre that opened
-- key: digital_centre_id
create table if not exists fct_digital_centre_opening (
    digital_centre_id varchar,
    opened_on date,
    source varchar              -- the feed file name, or 'demo'
);
