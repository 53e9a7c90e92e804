"""The ministry's read-only national delivery summary (admins see it too): the registry's
KPIs for the whole country, on time by postal region and the weekly trend. Nothing here
names a parcel or a buyer; branch managers keep their own scoped pages."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from dashboard.identity import authz
from dashboard.identity.user import User
from dashboard.logistics import performance, scorecards
from dashboard.logistics.performance import Filters
from warehouse import query
from warehouse.settings import Settings, load_settings


@dataclass
class NationalSummary:
    summary: performance.Summary
    by_region: pl.DataFrame  # per postal region: counts, on_time_rate, branches below
    weekly: pl.DataFrame


def national_summary(
    user: User | None,
    f: Filters | None = None,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    settings: Settings | None = None,
) -> NationalSummary:
    """National figures only (the filters' period and service; region and branch are
    ignored: this view is the country's)."""
    settings = settings or load_settings()
    f = f or performance.NO_FILTERS
    national = Filters(start=f.start, end=f.end, service=f.service)
    with performance.reading(con, settings) as c:
        ctx = performance.context(
            user, c, national, settings, viewers=authz.LOGISTICS_SUMMARY_VIEWERS
        )
        summary = performance.summary_for(c, ctx)
        cards = scorecards.scorecards_for(c, ctx, settings)
        weekly = query.run(c, "logistics/weekly", **ctx.params())
    by_region = (
        cards.group_by("postal_region_code")
        .agg(
            pl.col("count_accepted").sum(),
            pl.col("count_due").sum(),
            pl.col("count_on_time").sum(),
            (pl.col("target_status") == "below").sum().alias("count_branches_below"),
        )
        .with_columns(
            pl.when(pl.col("count_due") > 0)
            .then((100.0 * pl.col("count_on_time") / pl.col("count_due")).round(2))
            .alias("on_time_rate")
        )
        .sort("postal_region_code")
    )
    return NationalSummary(summary, by_region, weekly)
