-- What the figures rest on: the reference day and the income source.
-- grain: one row.
-- last_order_day: the newest day with orders (the reference of relative periods);
-- first_order_day: the oldest; has_payouts: whether any payout was paid (the income
-- measure switches from delivered sales to payouts once they exist); has_seller_month:
-- whether the lake (at this snapshot) has the seller × month mart (lake migration 31).
select
    cast(max(ordered_at) as date) as last_order_day,
    cast(min(ordered_at) as date) as first_order_day,
    (select count(*) > 0 from lake.mart_seller_income) as has_payouts,
    (select count(*) > 0 from lake.schema_migrations where version = 31) as has_seller_month
from lake.fct_order
