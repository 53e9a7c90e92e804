-- Every branch's delivery scorecard for shipments accepted in [$start, $end): on time
-- against its due items (as kpi_summary.sql), ranked by on-time rate within its postal
-- region and within its peer group among the branches with at least $min_sample due
-- items. National on purpose: a branch's rank is among all its peers; the service keeps
-- only the rows of the user's scope. grain: one row per branch with accepted shipments.
with counts as (
    select
        origin_branch_code as branch_code,
        count(*) as count_accepted,
        count(*) filter (where is_on_time) as count_on_time,
        count(*) filter (where is_delivered or $as_of_wd > due_wd) as count_due,
        count(*) filter (
            where not is_delivered and not is_returned and $as_of_wd > due_wd
        ) as count_late_open
    from mart_shipment_timing
    where accepted_at >= $start
      and accepted_at < $end
      and ($service is null or service_code = $service)
    group by 1
),

branches as (
    select
        counts.*,
        dim_branch.name_th,
        dim_branch.name_en,
        dim_branch.branch_type,
        dim_branch.postal_region_code,
        dim_branch.province_code,
        dim_branch.lat,
        dim_branch.lon,
        list_contains($island_districts, dim_branch.district_code) as is_island,
        dim_branch.branch_type
            || case when list_contains($island_districts, dim_branch.district_code)
                    then '_island' else '' end as peer_group,
        case when counts.count_due > 0
             then round(100.0 * counts.count_on_time / counts.count_due, 2) end as on_time_rate,
        counts.count_due >= $min_sample as is_ranked
    from counts
    join dim_branch on dim_branch.branch_code = counts.branch_code
),

final as (
    select
        *,
        case
            when not is_ranked then 'too_few'
            when on_time_rate >= $target then 'meets'
            else 'below'
        end as target_status,
        case when is_ranked then rank() over (
            partition by postal_region_code, is_ranked order by on_time_rate desc
        ) end as rank_in_region,
        case when is_ranked then count(*) filter (where is_ranked) over (
            partition by postal_region_code
        ) end as count_ranked_in_region,
        case when is_ranked then rank() over (
            partition by peer_group, is_ranked order by on_time_rate desc
        ) end as rank_in_peer_group,
        case when is_ranked then count(*) filter (where is_ranked) over (
            partition by peer_group
        ) end as count_ranked_in_peer_group
    from branches
)

select * from final order by postal_region_code, rank_in_region nulls last, branch_code
