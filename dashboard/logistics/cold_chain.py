"""The cold chain for a user's scope: excursions per monitored shipment, excursion rates
by lane (origin → destination province), origin branch and mail centre, and perishable
listings shipped without cold chain.

An excursion is a run of readings outside the shipment's class range (the lake table
``ref_cold_chain_range``: chilled 2–8 °C, frozen −22 to −15 °C; the limits are in range)
lasting at least the EXCURSION_MINUTES setting, from its first reading out of range to the
next reading back in range. Rate = monitored shipments with an excursion ÷ monitored
shipments (those with readings).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from dashboard.identity.user import User
from dashboard.logistics import kpis, performance
from dashboard.logistics.performance import NO_FILTERS, Filters
from warehouse import query
from warehouse.settings import Settings, load_settings

RATE_GROUPS: dict[str, tuple[str, ...]] = {
    "lane": ("origin_province_code", "dest_province_code"),
    "origin_branch": ("origin_branch_code",),
    "mail_centre": ("origin_mail_centre_code",),
}


@dataclass
class ColdChain:
    shipments: pl.DataFrame  # one row per monitored shipment
    count_monitored: int
    count_with_excursion: int
    excursion_rate: float | None
    minutes: float  # the setting used
    rates: dict[str, pl.DataFrame]  # RATE_GROUPS key -> group columns, counts, rate


def _rates(df: pl.DataFrame, cols: tuple[str, ...]) -> pl.DataFrame:
    return (
        df.group_by(cols)
        .agg(
            pl.len().alias("count_monitored"),
            pl.col("has_excursion").sum().alias("count_with_excursion"),
            pl.col("minutes_out_of_range").sum().round(0).alias("minutes_out_of_range"),
        )
        .with_columns(
            (100.0 * pl.col("count_with_excursion") / pl.col("count_monitored"))
            .round(2)
            .alias("excursion_rate")
        )
        .sort(["excursion_rate", "count_monitored"], descending=True)
    )


def cold_chain(
    user: User | None,
    f: Filters = NO_FILTERS,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    settings: Settings | None = None,
) -> ColdChain:
    settings = settings or load_settings()
    minutes = float(settings.excursion_minutes)
    with performance.reading(con, settings) as c:
        ctx = performance.context(user, c, f, settings)
        df = query.run(c, "logistics/cold_chain_excursions", **ctx.params(min_minutes=minutes))
    n = df.height
    k = int(df["has_excursion"].sum()) if n else 0
    return ColdChain(
        df, n, k, kpis.rate(k, n), minutes, {g: _rates(df, cols) for g, cols in RATE_GROUPS.items()}
    )


def perishable_without_cold_chain(
    user: User | None,
    f: Filters = NO_FILTERS,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    settings: Settings | None = None,
) -> pl.DataFrame:
    """Listings that need chilling (class chilled or frozen) found in shipments that were
    not cold-chain: listing, seller, titles, class, count_shipments, last_accepted_at."""
    with performance.reading(con, settings) as c:
        ctx = performance.context(user, c, f, settings)
        return query.run(c, "logistics/perishable_without_cold_chain", **ctx.params())
