"""Branch scorecards, the late list and weekly trends for a user's scope.

A scorecard is a branch's on-time rate against the ON_TIME_TARGET_PCT setting, ranked
within its postal region and its peer group (branch type; island branches apart) among the
branches with at least MIN_BRANCH_SAMPLE due items — a branch with three parcels is shown,
marked "too few", and not ranked. Ranks are national (a branch ranks among all its
peers); only the rows of the user's scope are returned.
"""

from __future__ import annotations

from typing import Any

import duckdb
import polars as pl

from dashboard.identity.user import User
from dashboard.logistics import performance
from dashboard.logistics.performance import NO_FILTERS, Context, Filters
from warehouse import query, vocab
from warehouse.settings import Settings, load_settings

TARGET_STATUSES: tuple[str, ...] = ("meets", "below", "too_few")
LATE_LIST_COLUMNS: tuple[str, ...] = (
    "tracking_no",
    "order_id",
    "service_code",
    "origin_branch_code",
    "dest_province_code",
    "accepted_at",
    "standard_days",
    "working_days_late",
    "status",
    "last_status_code",
    "current_location",
    "last_event_at",
)


def scorecards_for(
    con: duckdb.DuckDBPyConnection, ctx: Context, settings: Settings
) -> pl.DataFrame:
    df = query.run(
        con,
        "logistics/branch_scorecards",
        **ctx.params(
            min_sample=settings.min_branch_sample,
            target=settings.on_time_target_pct,
            island_districts=list(vocab.ISLAND_DISTRICTS),
        ),
    )
    if not ctx.scope.national:
        df = df.filter(pl.col("branch_code").is_in(list(ctx.scope.branches)))
    return df


def scorecards(
    user: User | None,
    f: Filters = NO_FILTERS,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    settings: Settings | None = None,
) -> pl.DataFrame:
    """One row per branch in scope with accepted shipments: counts, on_time_rate,
    target_status (meets / below / too_few), rank_in_region and rank_in_peer_group with
    the number of ranked branches in each, and the branch's name, type, region, lat/lon."""
    settings = settings or load_settings()
    with performance.reading(con, settings) as c:
        return scorecards_for(c, performance.context(user, c, f, settings), settings)


def late_list(
    user: User | None,
    f: Filters = NO_FILTERS,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    settings: Settings | None = None,
) -> pl.DataFrame:
    """Undelivered shipments past their standard in scope, the most overdue first."""
    with performance.reading(con, settings) as c:
        ctx = performance.context(user, c, f, settings)
        return query.run(c, "logistics/late_list", **ctx.params()).select(LATE_LIST_COLUMNS)


def weekly(
    user: User | None,
    f: Filters = NO_FILTERS,
    **kw: Any,
) -> pl.DataFrame:
    """week (Monday), count_accepted, count_on_time, count_due, on_time_rate."""
    with performance.reading(kw.get("con"), kw.get("settings")) as c:
        ctx = performance.context(user, c, f, kw.get("settings"))
        return query.run(c, "logistics/weekly", **ctx.params())
