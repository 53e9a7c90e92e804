-- Payment health, national (the payments officer's home, dashboard/payments/home.py), for ($start, $end].
-- grain: one row.
-- Success rate: charges that succeeded among charges that succeeded or failed (pending
-- charges have no outcome yet). Settled net: settlement lines settled in the window.
-- Payouts held: every payout on hold now, whatever its period.
with payments as (
    select txn_type, status
    from lake.fct_payment
    where created_at > $start
      and created_at <= $end
),

final as (
    select
        (select count(*) from payments where txn_type = 'charge' and status = 'success')
            as count_charges_ok,
        (select count(*) from payments
            where txn_type = 'charge' and status in ('success', 'failed'))
            as count_charges_decided,
        (select count(*) from payments where txn_type = 'charge' and status = 'failed')
            as failed_payments_30d,
        (select count(*) from payments where txn_type in ('refund', 'chargeback'))
            as refunds_chargebacks_30d,
        (select coalesce(sum(net_thb), 0) from lake.fct_settlement
            where settled_on > cast($start as date) and settled_on <= cast($end as date))
            as settled_net_thb_30d,
        (select count(*) from lake.fct_payout where status = 'held') as payouts_held,
        (select coalesce(sum(net_thb), 0) from lake.fct_payout where status = 'held')
            as payouts_held_thb
)

select * from final
