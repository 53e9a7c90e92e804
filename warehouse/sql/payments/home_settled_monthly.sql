-- Net amount settled by the gateways per month, 12 months up to $end.
-- grain: one row per month with settlements.
select
    cast(date_trunc('month', settled_on) as date) as month,
    cast(sum(net_thb) as double) as value
from lake.fct_settlement
where settled_on >= cast(date_trunc('month', $end) - interval 11 month as date)
  and settled_on <= cast($end as date)
group by 1
order by month
