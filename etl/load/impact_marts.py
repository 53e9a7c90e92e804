"""The impact marts the lake writer keeps (issue 11): ``mart_impact_seller_month``, one row
per seller and month with delivered orders, their goods value, payouts paid and the first
delivered order (``warehouse/sql/impact/seller_month.sql``).

Each orders or payouts load refreshes the sellers it touches, inside the load's own
transaction, from *all* their orders and payouts: a late status change or a re-sent payout
lands in its month, and the mart and the facts are always of the same snapshot, so an
"as of" read of the mart is the figures as they were then. The demo refreshes everything
once at the end; migration 31 backfilled lakes that existed before the mart.
The incremental refresh and the full one run the same statement, so they always agree.
"""

from __future__ import annotations

import duckdb
import polars as pl

from warehouse.query import sql_text

MART = "mart_impact_seller_month"
# The feeds whose loads change the mart (their rows carry seller_id).
SELLER_MONTH_FEEDS = frozenset({"orders", "payouts"})


def compute(con: duckdb.DuckDBPyConnection, seller_ids: pl.Series | None) -> pl.DataFrame:
    """The mart rows of ``seller_ids`` (None: every seller) as the lake has them now."""
    touched = pl.Series("seller_id", [], dtype=pl.Utf8) if seller_ids is None else seller_ids
    con.register(
        "_touched_sellers", touched.cast(pl.Utf8).unique().to_frame("seller_id").to_arrow()
    )
    try:
        return con.execute(sql_text("impact/seller_month"), {"everyone": seller_ids is None}).pl()
    finally:
        con.unregister("_touched_sellers")


def refresh(con: duckdb.DuckDBPyConnection, seller_ids: pl.Series | None) -> int:
    """Replace the mart rows of ``seller_ids`` (None: all) by their recomputed sums; returns
    how many rows were written. Runs in the caller's transaction."""
    rows = compute(con, seller_ids)
    con.register("_seller_month", rows.to_arrow())
    try:
        if seller_ids is None:
            con.execute(f"delete from {MART}")  # noqa: S608
        else:
            con.register(
                "_gone", seller_ids.cast(pl.Utf8).unique().to_frame("seller_id").to_arrow()
            )
            try:
                con.execute(
                    f"delete from {MART} where seller_id in (select seller_id from _gone)"  # noqa: S608
                )
            finally:
                con.unregister("_gone")
        if rows.height:
            con.execute(f"insert into {MART} by name select * from _seller_month")  # noqa: S608
    finally:
        con.unregister("_seller_month")
    return rows.height


def after_merge(con: duckdb.DuckDBPyConnection, feed_name: str, good: pl.DataFrame) -> None:
    """The loader's hook: an orders or payouts file refreshes the sellers it names."""
    if feed_name in SELLER_MONTH_FEEDS and good.height and "seller_id" in good.columns:
        refresh(con, good["seller_id"].drop_nulls())
