-- The first day a load can have changed in the payments marts (lake migration 0012):
-- the earliest day, in any mart's day column, of the rows the loaded keys name, now in
-- the lake (run before and after the load's merge, so a row's old day counts too).
-- $floor: the earliest day of the loaded rows themselves (may be null).
-- grain: one row. A lower bound is enough: the refresh recomputes every day from it.
select least(
    $floor,
    (select min(least(cast(created_at as date), cast(paid_at as date))) from fct_payment
        where transaction_id in (select unnest(cast($txn_ids as varchar[])))),
    (select min(least(cast(paid_at as date), settled_on)) from fct_settlement
        where transaction_id in (select unnest(cast($txn_ids as varchar[])))
           or settlement_batch_id in (select unnest(cast($refs as varchar[])))
           or merchant_order_ref in (select unnest(cast($order_ids as varchar[])))),
    (select min(cast(paid_at as date)) from fct_payment
        where order_id in (select unnest(cast($order_ids as varchar[])))),
    (select min(cast(paid_at as date)) from fct_counter_payment
        where ref1 in (select unnest(cast($order_ids as varchar[])))
           or 'BILL-' || bank_code || '-' || strftime(cast(paid_at as date), '%Y%m%d')
               in (select unnest(cast($refs as varchar[])))),
    (select min(cast(delivered_at as date)) from fct_shipment
        where tracking_no in (select unnest(cast($tracking_nos as varchar[])))),
    (select min(least(cast(collected_at as date), cast(remitted_at as date)))
        from fct_cod_remittance
        where tracking_no in (select unnest(cast($tracking_nos as varchar[])))
           or deposit_ref in (select unnest(cast($refs as varchar[])))),
    (select min(value_on) from fct_bank_credit where reference in (select unnest(cast($refs as varchar[])))),
    (select min(cast(delivered_at as date)) from fct_shipment
        where order_id in (select unnest(cast($order_ids as varchar[])))),
    (select min(cast(ordered_at as date)) from fct_order
        where order_id in (select unnest(cast($order_ids as varchar[])))
           or order_id in (
               select order_id from fct_shipment
               where tracking_no in (select unnest(cast($tracking_nos as varchar[])))
           ))
) as since_on
