"""Shipment state read off the tracking events: status, accepted, first out for delivery,
delivered, failed attempts and their last reason, returned, the last event and where the
parcel is now (``warehouse/sql/logistics/shipment_state.sql``).

Each tracking or shipments load recomputes the shipments it touches, inside the load's own
transaction, from *all* their events ordered by the events' own times: a late-arriving
earlier event lands in its place, and an event delivered twice is one row of
fct_tracking_event (the feed's key), so it counts once. The incremental refresh and the full
recompute (``refresh(con, None)``) run the same statement, so they always agree.
"""

from __future__ import annotations

import duckdb
import polars as pl

from warehouse import vocab
from warehouse.query import sql_text

# The feeds whose loads change shipment state (their rows carry tracking_no).
SHIPMENT_FEEDS = frozenset({"shipments", "tracking_api", "tracking_jsonl"})


def _register_codes(con: duckdb.DuckDBPyConnection) -> None:
    status_of = pl.DataFrame(
        {
            "status_code": list(vocab.TRACKING_STATUS_OF),
            "shipment_status": list(vocab.TRACKING_STATUS_OF.values()),
        }
    )
    con.register("_status_of", status_of.to_arrow())
    con.register(
        "_money", pl.DataFrame({"status_code": list(vocab.MONEY_TRACKING_CODES)}).to_arrow()
    )


def _all_tracking_nos(con: duckdb.DuckDBPyConnection) -> pl.Series:
    return con.execute(
        "select tracking_no from fct_shipment union select tracking_no from fct_shipment_label"
    ).pl()["tracking_no"]


def compute(con: duckdb.DuckDBPyConnection, tracking_nos: pl.Series | None) -> pl.DataFrame:
    """The fct_shipment rows of ``tracking_nos`` (None: every shipment and label) as they
    follow from the labels and events now in the lake; nothing is written."""
    touched = _all_tracking_nos(con) if tracking_nos is None else tracking_nos
    con.register("_touched", touched.cast(pl.Utf8).unique().to_frame("tracking_no").to_arrow())
    _register_codes(con)
    try:
        return con.execute(sql_text("logistics/shipment_state")).pl()
    finally:
        for name in ("_touched", "_status_of", "_money"):
            con.unregister(name)


def refresh(con: duckdb.DuckDBPyConnection, tracking_nos: pl.Series | None) -> int:
    """Replace the fct_shipment rows of ``tracking_nos`` (None: all) by their recomputed
    state; returns how many rows were written. Runs in the caller's transaction."""
    rows = compute(con, tracking_nos)
    if rows.is_empty():
        return 0
    con.register("_state", rows.to_arrow())
    try:
        con.execute(
            "delete from fct_shipment where tracking_no in (select tracking_no from _state)"
        )
        con.execute("insert into fct_shipment by name select * from _state")
    finally:
        con.unregister("_state")
    return rows.height


def after_merge(con: duckdb.DuckDBPyConnection, feed_name: str, good: pl.DataFrame) -> None:
    """The loader's hook: a shipments or tracking file refreshes the shipments it names."""
    if feed_name in SHIPMENT_FEEDS and good.height and "tracking_no" in good.columns:
        refresh(con, good["tracking_no"])
