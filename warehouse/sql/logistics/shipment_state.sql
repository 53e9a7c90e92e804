-- The fct_shipment rows of the tracking numbers in _touched, recomputed from their parcel
-- label (fct_shipment_label), the row they had (the demo writes shipments directly) and
-- every event they have (fct_tracking_event), ordered by the events' own times.
-- grain: one row per touched tracking number that has a label or a shipment row.
-- Registered by etl/load/shipment_state.py: _touched (tracking_no), _events (the
-- fct_tracking_event rows of those tracking numbers, or all of them), _status_of
-- (status_code, shipment_status: warehouse/vocab.py TRACKING_STATUS_OF), _money
-- (status_code: events about money, not the parcel).
-- Events are unique by their key (tracking_no, status_code, event_at, location): a
-- duplicate delivered twice is one row, so it counts once. Ties in time go by code.
with touched as (
    select distinct tracking_no from _touched
),

events as (
    select
        fct_tracking_event.tracking_no,
        fct_tracking_event.status_code,
        fct_tracking_event.event_at,
        fct_tracking_event.location,
        fct_tracking_event.branch_code,
        fct_tracking_event.delivery_status,
        _money.status_code is not null as is_money,
        coalesce(_status_of.shipment_status, 'unknown') as shipment_status
    from _events as fct_tracking_event
    semi join touched on touched.tracking_no = fct_tracking_event.tracking_no
    left join _status_of on _status_of.status_code = fct_tracking_event.status_code
    left join _money on _money.status_code = fct_tracking_event.status_code
),

ranked as (
    select
        *,
        row_number() over (
            partition by tracking_no
            order by event_at desc, status_code desc, location desc nulls last
        ) as rank_any,
        row_number() over (
            partition by tracking_no, is_money
            order by event_at desc, status_code desc, location desc nulls last
        ) as rank_kind
    from events
),

arrival as (
    select tracking_no, min(event_at) as arrived_branch_at
    from events
    where status_code = '206'
    group by tracking_no
),

sorting as (
    -- The last sorting-centre scan before the parcel reached its delivering branch.
    select events.tracking_no, max(events.event_at) as last_sorting_at
    from events
    left join arrival on arrival.tracking_no = events.tracking_no
    where events.status_code = '211'
      and (arrival.arrived_branch_at is null or events.event_at <= arrival.arrived_branch_at)
    group by events.tracking_no
),

state as (
    select
        tracking_no,
        min(event_at) filter (where status_code in ('102', '103')) as accepted_at,
        min(event_at) filter (where status_code = '301') as first_out_for_delivery_at,
        min(event_at) filter (where status_code = '501') as delivered_at,
        min(event_at) filter (where status_code = '203') as returned_at,
        min(event_at) filter (where status_code = '401') as first_failed_at,
        min(event_at) filter (where status_code = '211') as first_sorting_at,
        min(event_at) filter (where status_code = '206') as arrived_branch_at,
        cast(count(*) filter (where status_code = '401') as integer) as count_failed_attempts,
        arg_max(delivery_status, event_at) filter (where status_code = '401')
            as last_failure_reason,
        max(event_at) as last_event_at,
        cast(count(*) as integer) as count_events,
        max(status_code) filter (where rank_any = 1) as last_status_code,
        max(shipment_status) filter (where rank_kind = 1 and not is_money) as parcel_status,
        max(location) filter (where rank_kind = 1 and not is_money) as current_location,
        max(branch_code) filter (where rank_kind = 1 and not is_money) as current_branch_code,
        -- The delivering branch: where the parcel first arrived for delivery.
        arg_min(branch_code, event_at) filter (
            where status_code in ('206', '301', '302', '401', '501') and branch_code is not null
        ) as delivery_branch_code
    from ranked
    group by tracking_no
),

label as (
    select fct_shipment_label.*
    from fct_shipment_label
    semi join touched on touched.tracking_no = fct_shipment_label.tracking_no
),

prior as (
    select fct_shipment.*
    from fct_shipment
    semi join touched on touched.tracking_no = fct_shipment.tracking_no
),

base as (
    select
        coalesce(label.tracking_no, prior.tracking_no) as tracking_no,
        coalesce(label.order_id, prior.order_id) as order_id,
        coalesce(label.service_code, prior.service_code) as service_code,
        coalesce(label.origin_branch_code, prior.origin_branch_code) as origin_branch_code,
        prior.dest_branch_code as prior_dest_branch_code,
        coalesce(label.dest_subdistrict_code, prior.dest_subdistrict_code)
            as dest_subdistrict_code,
        coalesce(label.dest_postal_code, prior.dest_postal_code) as dest_postal_code,
        prior.dest_province_code as prior_dest_province_code,
        coalesce(label.weight_kg, prior.weight_kg) as weight_kg,
        coalesce(label.cold_chain_class, prior.cold_chain_class,
                 case when prior.is_cold_chain then 'chilled' end, 'ambient') as cold_chain_class,
        case when label.tracking_no is not null then coalesce(label.cod_amount_thb, 0) > 0
             else prior.is_cod end as is_cod,
        case when label.tracking_no is not null
             then case when label.cod_amount_thb > 0 then label.cod_amount_thb end
             else prior.cod_amount_thb end as cod_amount_thb,
        coalesce(label.created_at, prior.created_at) as created_at,
        prior.standard_days as prior_standard_days
    from label
    full join prior on prior.tracking_no = label.tracking_no
),

postal as (
    select postal_code, subdistrict_code, min(province_code) as province_code
    from dim_postal_code
    group by all
),

postal_branch as (
    select postal_code, min(branch_code) as branch_code
    from dim_branch
    where is_active is not false
    group by postal_code
),

final as (
    select
        base.tracking_no,
        base.order_id,
        base.service_code,
        base.origin_branch_code,
        coalesce(base.prior_dest_branch_code, state.delivery_branch_code, postal_branch.branch_code)
            as dest_branch_code,
        origin.mail_centre_code as origin_mail_centre_code,
        dest.mail_centre_code as dest_mail_centre_code,
        base.dest_postal_code,
        coalesce(base.prior_dest_province_code, by_sub.province_code, by_postal.province_code)
            as dest_province_code,
        base.weight_kg,
        base.cold_chain_class in ('chilled', 'frozen') as is_cold_chain,
        base.is_cod,
        base.cod_amount_thb,
        coalesce(ref_service_standard.standard_days, base.prior_standard_days) as standard_days,
        state.accepted_at,
        state.first_out_for_delivery_at,
        state.delivered_at,
        coalesce(state.count_failed_attempts, 0) as count_failed_attempts,
        state.returned_at is not null as is_returned,
        state.last_status_code,
        state.last_event_at,
        base.dest_subdistrict_code,
        base.cold_chain_class,
        base.created_at,
        case
            when state.delivered_at is not null
                 and (state.returned_at is null or state.delivered_at < state.returned_at)
                then 'delivered'
            when state.returned_at is not null then 'returned'
            when state.tracking_no is null then 'label_created'
            else coalesce(state.parcel_status, 'label_created')
        end as status,
        state.returned_at,
        state.last_failure_reason,
        state.current_location,
        state.current_branch_code,
        coalesce(state.count_events, 0) as count_events,
        state.first_failed_at,
        state.first_sorting_at,
        sorting.last_sorting_at,
        state.arrived_branch_at
    from base
    left join state on state.tracking_no = base.tracking_no
    left join sorting on sorting.tracking_no = base.tracking_no
    left join ref_service_standard on ref_service_standard.service_code = base.service_code
    left join dim_branch as origin on origin.branch_code = base.origin_branch_code
    left join postal_branch on postal_branch.postal_code = base.dest_postal_code
    left join dim_branch as dest on dest.branch_code = coalesce(
        base.prior_dest_branch_code, state.delivery_branch_code, postal_branch.branch_code
    )
    left join (
        select subdistrict_code, min(province_code) as province_code
        from dim_subdistrict group by all
    ) as by_sub on by_sub.subdistrict_code = base.dest_subdistrict_code
    left join (
        select postal_code, min(province_code) as province_code from postal group by all
    ) as by_postal on by_postal.postal_code = base.dest_postal_code
)

select * from final
