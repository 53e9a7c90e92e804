-- The daily statement of one rail ($rail: gateway, counter or cod) for the days
-- ($start, $as_of], by the day the buyer paid (gateway, counter) or the parcel was
-- delivered (COD). grain: one row per day. key: day
--
--   paid_thb = settled_thb + in_transit_thb + break_thb + residual_thb
--
-- settled: what the next link of the chain (settlement line, bank bill-payment record,
-- branch remittance) recorded for those payments; in transit: not recorded and not yet
-- due (within the rail's expected lag); breaks: not recorded past due, and the
-- differences beyond the tolerance of what was recorded (the open breaks of the day).
-- The residual is what the tolerance let through; on the demo it is 0.
with bd as materialized (
    select date_day, is_business_day, business_day_seq, roll_seq
    from lake.mart_business_day
),

business_seq as (
    select business_day_seq, date_day from bd where is_business_day
),

gw as (
    select
        cast(p.paid_at as date) as day,
        p.amount_thb,
        l.gross_thb as recorded_thb,
        d.date_day as due_on
    from lake.fct_payment p
    join bd b on b.date_day = cast(p.paid_at as date)
    left join lake.ref_gateway_contract c
        on c.gateway = p.gateway
        and cast(p.paid_at as date) >= c.valid_from_on
        and (c.valid_to_on is null or cast(p.paid_at as date) < c.valid_to_on)
    left join business_seq d
        on d.business_day_seq = b.roll_seq + c.settlement_lag_days + $grace_days
    left join (
        select transaction_id, sum(gross_thb) as gross_thb
        from lake.fct_settlement group by transaction_id
    ) l using (transaction_id)
    where $rail = 'gateway'
      and p.status = 'success' and p.txn_type = 'charge'
      and p.channel not in ('counter', 'cod')
      and cast(p.paid_at as date) > $start and cast(p.paid_at as date) <= $as_of
),

counter as (
    select
        cast(p.paid_at as date) as day,
        p.amount_thb,
        c.amount_thb as recorded_thb,
        d.date_day as due_on
    from lake.fct_payment p
    join bd b on b.date_day = cast(p.paid_at as date)
    left join business_seq d on d.business_day_seq = b.roll_seq + 1 + $grace_days
    left join (
        select ref1, arg_min(amount_thb, paid_at) as amount_thb
        from lake.fct_counter_payment group by ref1
    ) c on c.ref1 = p.order_id
    where $rail = 'counter'
      and p.status = 'success' and p.txn_type = 'charge' and p.channel = 'counter'
      and cast(p.paid_at as date) > $start and cast(p.paid_at as date) <= $as_of
),

cod as (
    select
        cast(s.delivered_at as date) as day,
        s.cod_amount_thb as amount_thb,
        r.amount_thb as recorded_thb,
        -- not remitted is a break only once the limit has passed (strictly before as_of)
        d.date_day - 1 as due_on
    from lake.fct_shipment s
    join bd b on b.date_day = cast(s.delivered_at as date)
    left join business_seq d on d.business_day_seq = b.roll_seq + $cod_limit_days
    left join lake.fct_cod_remittance r using (tracking_no)
    where $rail = 'cod'
      and s.is_cod and s.delivered_at is not null
      and cast(s.delivered_at as date) > $start and cast(s.delivered_at as date) <= $as_of
),

rows as (
    select * from gw union all select * from counter union all select * from cod
),

classified as (
    select
        day,
        amount_thb,
        coalesce(abs(recorded_thb), 0) as settled_thb,
        case when recorded_thb is null and due_on > $as_of then amount_thb else 0 end
            as in_transit_thb,
        case
            when recorded_thb is null and due_on <= $as_of then amount_thb
            when recorded_thb is not null
                and abs(abs(recorded_thb) - amount_thb)
                    > greatest($tol_thb, $tol_pct / 100 * amount_thb)
                then amount_thb - abs(recorded_thb)
            else 0
        end as break_thb
    from rows
),

final as (
    select
        day,
        count(*) as count_payments,
        sum(amount_thb) as paid_thb,
        sum(settled_thb) as settled_thb,
        sum(in_transit_thb) as in_transit_thb,
        sum(break_thb) as break_thb,
        sum(amount_thb) - sum(settled_thb) - sum(in_transit_thb) - sum(break_thb)
            as residual_thb
    from classified
    group by day
)

select * from final
order by day desc
