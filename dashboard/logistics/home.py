"""The branch manager's home figures (moved here from ``dashboard.home``): the registry's
KPIs for the shipments accepted in the home page's 30-day window at the manager's branch
or postal region, and shipments accepted per month. ``dashboard.home`` wraps them."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from dashboard.identity.user import User
from dashboard.logistics import performance, scope
from warehouse import query

# (home metric key, registry KPI key, unit): the home page's names for registry figures.
HOME_METRICS: tuple[tuple[str, str, str], ...] = (
    ("shipments_accepted_30d", "shipments_accepted", "count"),
    ("on_time_rate_30d", "on_time_rate", "percent"),
    ("in_transit", "in_transit", "count"),
    ("failed_delivery_rate_30d", "failed_delivery_rate", "percent"),
)
MONTHLY_SERIES = "shipments_accepted_monthly"


def figures(
    user: User, con: duckdb.DuckDBPyConnection, window: dict
) -> tuple[list[tuple[str, float | int, str]], pl.DataFrame]:
    """(metric key, value, unit) of each home metric and the monthly series (month,
    value) for ``user``'s branches; ``window`` is the home page's {"start", "end"}."""
    s = scope.resolve(user, con)
    end: dt.datetime = window["end"]
    ctx = performance.Context(
        s, window["start"].date(), end.date(), end, None, performance.working_day(con, end.date())
    )
    params = ctx.params()
    # The home window is (start, end] in time, not whole days.
    params.update(start=window["start"], end=end)
    row = query.run(con, "logistics/kpi_summary", **params).row(0, named=True)
    summary = performance.summary_from_row(row, ctx)
    metrics = [(home_key, summary.value(kpi) or 0, unit) for home_key, kpi, unit in HOME_METRICS]
    monthly = query.run(con, "logistics/accepted_monthly", **params)
    return metrics, monthly
