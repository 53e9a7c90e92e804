"""Figures on each role's home page, for the user's role and scope, from the lake.

"Last 30 days" ends at the newest ``ordered_at`` in the lake (``as_of``), not at the
clock: the demo ends today, a real feed may end days earlier, and a window ending now
would show too little. The window is (as_of - 30 days, as_of]; monthly series cover the
12 calendar months up to as_of. Definitions of each figure sit next to their SQL in
``warehouse/sql/home/`` (the programme figures': ``dashboard/impact/home.py``).
Percent figures are on a 0–100 scale.

Nothing is cached here; the UI caches. Pass ``con`` to reuse a reader connection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb
import polars as pl

from dashboard.errors import NotFound, PermissionDenied
from dashboard.identity import authz
from dashboard.identity.user import User
from warehouse import query
from warehouse.lake import LakeMissing, connect_reader
from warehouse.settings import Settings, load_settings

WINDOW_DAYS = 30
MONTHLY_SCHEMA = {"month": pl.Date, "value": pl.Float64, "series": pl.Utf8}


# Every metric and monthly series a home page shows (catalog keys metric.<key> and
# series.<key>; the catalog test checks each has its words).
METRIC_KEYS: tuple[str, ...] = (
    "active_sellers",
    "low_income_sellers",
    "orders_30d",
    "sales_thb_30d",
    "low_income_sales_share_30d",
    "applications_pending",
    "shipments_accepted_30d",
    "on_time_rate_30d",
    "in_transit",
    "failed_delivery_rate_30d",
    "payment_success_rate_30d",
    "failed_payments_30d",
    "refunds_chargebacks_30d",
    "settled_net_thb_30d",
    "payouts_held",
    "payouts_held_thb",
)
SERIES_KEYS: tuple[str, ...] = (
    "sales_thb_monthly",
    "shipments_accepted_monthly",
    "settled_net_thb_monthly",
)


@dataclass
class Metric:
    key: str
    value: float | int
    unit: str  # "count" | "thb" | "percent" (0–100)

    def __post_init__(self) -> None:
        if self.key not in METRIC_KEYS:
            raise ValueError(f"metric {self.key!r} is not in home.METRIC_KEYS")


@dataclass
class HomeFigures:
    metrics: list[Metric]
    monthly: pl.DataFrame  # month (date), value (float), series (a metric key)
    # The end of the 30-day window (naive Bangkok time, like the lake); None: no orders yet.
    as_of: dt.datetime | None = None
    scope: dict = field(default_factory=dict)

    @property
    def series(self) -> list[str]:
        """The keys of the monthly series, in order."""
        return sorted(self.monthly["series"].unique().to_list())


def _query(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> pl.DataFrame:
    return query.run(con, f"home/{name}", **(params or {}))


def _percent(part: float, whole: float) -> float:
    return round(100.0 * float(part) / float(whole), 2) if whole else 0.0


percent = _percent  # the domains' home figures use the same rounding


def _monthly(con: duckdb.DuckDBPyConnection, name: str, params: dict, series: str) -> pl.DataFrame:
    return monthly_series(_query(con, name, params), series)


def monthly_series(df: pl.DataFrame, series: str) -> pl.DataFrame:
    """A (month, value) frame as one series of a home page's monthly chart."""
    if df.is_empty():
        return pl.DataFrame(schema=MONTHLY_SCHEMA)
    return df.select(
        pl.col("month").cast(pl.Date),
        pl.col("value").cast(pl.Float64),
        pl.lit(series).alias("series"),
    )


def as_of(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    return _query(con, "as_of")["as_of"][0]


def window(end: dt.datetime | None) -> dict[str, Any]:
    """The "last 30 days" of the home figures, ``(start, end]``, ending at ``end``
    (``as_of``). An empty lake still gets a window (ending now) so every query runs and
    returns zeros."""
    end = end or dt.datetime.now()
    return {"start": end - dt.timedelta(days=WINDOW_DAYS), "end": end}


def _deliveries(con: duckdb.DuckDBPyConnection, window: dict, user: User) -> HomeFigures:
    # logistics: the branch manager's figures are the logistics registry's KPIs.
    from dashboard.logistics import home as logistics_home

    values, monthly = logistics_home.figures(user, con, window)
    metrics = [Metric(key, value, unit) for key, value, unit in values]
    if monthly.is_empty():
        return HomeFigures(metrics, pl.DataFrame(schema=MONTHLY_SCHEMA))
    series = monthly.select(
        pl.col("month").cast(pl.Date),
        pl.col("value").cast(pl.Float64),
        pl.lit(logistics_home.MONTHLY_SERIES).alias("series"),
    )
    return HomeFigures(metrics, series)


def _payments(con: duckdb.DuckDBPyConnection, window: dict) -> HomeFigures:
    # payments (issue 9): the payments domain owns its home figures.
    from dashboard.payments import home as payments_home

    return payments_home.figures(con, window)


def home_figures(
    user: User | None,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    settings: Settings | None = None,
) -> HomeFigures:
    """The home page figures of ``user``'s role, for ``user``'s scope only.

    ministry, admin: programme figures, national. provincial_officer: the same for the
    sellers of their provinces, plus applications pending there. branch_manager:
    deliveries of shipments accepted at their branch or postal region. payments_officer:
    payment health, national. Raises NotSignedIn, PermissionDenied, or NotFound
    ("lake.missing") when no lake has been built yet.
    """
    from dashboard.impact import home as impact_home  # impact owns the programme figures

    settings = settings or load_settings()
    user = authz.current(user, settings)
    scope = authz.scope_of(user)
    own = con is None
    if own:
        try:
            con = connect_reader(settings)
        except LakeMissing as exc:
            raise NotFound("lake.missing") from exc
    try:
        end = as_of(con)
        period = window(end)
        if user.role in ("ministry", "admin"):
            figures = impact_home.programme_figures(con, period, None)
        elif user.role == "provincial_officer":
            figures = impact_home.programme_figures(con, period, scope.province_codes)
        elif user.role == "branch_manager":
            figures = _deliveries(con, period, user)
        elif user.role == "payments_officer":
            figures = _payments(con, period)
        else:
            raise PermissionDenied(role=user.role)
    finally:
        if own:
            con.close()
    figures.as_of = end
    figures.scope = authz.scope_label(user)
    return figures
