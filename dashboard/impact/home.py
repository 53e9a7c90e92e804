"""The programme figures of the ministry's and admins' home page (national) and of a
provincial officer's (their provinces): sellers, orders and sales of the last 30 days and
the monthly sales. The definitions sit next to their SQL, ``warehouse/sql/impact/home_*``.

``dashboard.home`` picks the role's figures and calls this for the programme roles.
"""

from __future__ import annotations

import duckdb
import polars as pl

from dashboard import home as base
from warehouse import query


def programme_figures(
    con: duckdb.DuckDBPyConnection, window: dict, provinces: tuple[str, ...] | None
) -> base.HomeFigures:
    """National (``provinces`` None) or the given provinces' sellers, by seller province;
    a provincial scope adds the applications pending there."""
    params = {**window, "national": provinces is None, "provinces": list(provinces or ())}
    row = query.run(con, "impact/home_sellers", **params).row(0, named=True)
    metrics = [
        base.Metric("active_sellers", int(row["active_sellers"]), "count"),
        base.Metric("low_income_sellers", int(row["low_income_sellers"]), "count"),
        base.Metric("orders_30d", int(row["orders_30d"]), "count"),
        base.Metric("sales_thb_30d", float(row["sales_thb_30d"]), "thb"),
        base.Metric(
            "low_income_sales_share_30d",
            _percent(row["low_income_sales_thb_30d"], row["sales_thb_30d"]),
            "percent",
        ),
    ]
    if provinces is not None:
        pending = query.run(con, "home/applications_pending", **params)
        metrics.append(
            base.Metric("applications_pending", int(pending["applications_pending"][0]), "count")
        )
    return base.HomeFigures(metrics, _monthly_sales(con, params))


def _percent(part: float, whole: float) -> float:
    return round(100.0 * float(part) / float(whole), 2) if whole else 0.0


def _monthly_sales(con: duckdb.DuckDBPyConnection, params: dict) -> pl.DataFrame:
    df = query.run(con, "impact/home_sales_monthly", **params)
    if df.is_empty():
        return pl.DataFrame(schema=base.MONTHLY_SCHEMA)
    return df.select(
        pl.col("month").cast(pl.Date),
        pl.col("value").cast(pl.Float64),
        pl.lit("sales_thb_monthly").alias("series"),
    )
