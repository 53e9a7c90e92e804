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


_EVENTS = (
    "select tracking_no, status_code, event_at, location, branch_code, delivery_status "
    "from fct_tracking_event"
)


def _events_of(con: duckdb.DuckDBPyConnection, touched: pl.Series) -> pl.DataFrame:
    """Every event of the ``touched`` tracking numbers: one pass over fct_tracking_event,
    shared by the state and the mail-centre stays."""
    con.register("_t", touched.to_frame("tracking_no").to_arrow())
    try:
        return con.execute(
            f"{_EVENTS} where tracking_no in (select tracking_no from _t)"  # noqa: S608
        ).pl()
    finally:
        con.unregister("_t")


def _compute(con: duckdb.DuckDBPyConnection, touched: pl.Series, events: object) -> pl.DataFrame:
    con.register("_touched", touched.to_frame("tracking_no").to_arrow())
    con.register("_events", events)
    _register_codes(con)
    try:
        return con.execute(sql_text("logistics/shipment_state")).pl()
    finally:
        for name in ("_touched", "_events", "_status_of", "_money"):
            con.unregister(name)


def _touched_and_events(
    con: duckdb.DuckDBPyConnection, tracking_nos: pl.Series | None
) -> tuple[pl.Series, object]:
    if tracking_nos is None:
        # Everything: the events are read where they lie, never all in memory at once.
        return _all_tracking_nos(con), con.sql(_EVENTS)
    touched = tracking_nos.cast(pl.Utf8).unique()
    return touched, _events_of(con, touched).to_arrow()


def compute(con: duckdb.DuckDBPyConnection, tracking_nos: pl.Series | None) -> pl.DataFrame:
    """The fct_shipment rows of ``tracking_nos`` (None: every shipment and label) as they
    follow from the labels and events now in the lake; nothing is written."""
    return _compute(con, *_touched_and_events(con, tracking_nos))


def _replace(con: duckdb.DuckDBPyConnection, table: str, statement: str, everything: bool) -> None:
    """Replace ``table``'s rows of the shipments in _shipments by ``statement``'s rows."""
    if everything:
        con.execute(f"delete from {table}")  # noqa: S608
    else:
        con.execute(
            f"delete from {table} where tracking_no in (select tracking_no from _shipments)"  # noqa: S608
        )
    con.execute(f"insert into {table} by name {sql_text(statement)}")  # noqa: S608
    if table == "mart_shipment_timing":
        con.execute("delete from mart_logistics_now")
        con.execute(
            "insert into mart_logistics_now select max(last_event_at) from mart_shipment_timing"
        )


def write_timing(
    con: duckdb.DuckDBPyConnection, shipments: object | None = None, events: object | None = None
) -> None:
    """Rewrite the timing marts (mart_shipment_timing, and mart_mail_centre_stay when
    ``events`` is given) for the fct_shipment rows in ``shipments`` (None: all of
    fct_shipment, every event), in the caller's transaction."""
    everything = shipments is None
    con.register("_shipments", con.sql("select * from fct_shipment") if everything else shipments)
    try:
        _replace(con, "mart_shipment_timing", "logistics/shipment_timing", everything)
        if events is not None or everything:
            con.register("_events", con.sql(_EVENTS) if events is None else events)
            try:
                _replace(con, "mart_mail_centre_stay", "logistics/mail_centre_stays", everything)
            finally:
                con.unregister("_events")
    finally:
        con.unregister("_shipments")


def refresh_timing(con: duckdb.DuckDBPyConnection) -> None:
    """mart_shipment_timing rewritten for every shipment: after the working days changed
    (a holiday_overrides load, ``postmart logistics holidays``). Stays do not depend on
    the calendar."""
    con.register("_shipments", con.sql("select * from fct_shipment"))
    try:
        _replace(con, "mart_shipment_timing", "logistics/shipment_timing", True)
    finally:
        con.unregister("_shipments")


def refresh(con: duckdb.DuckDBPyConnection, tracking_nos: pl.Series | None) -> int:
    """Replace the fct_shipment rows of ``tracking_nos`` (None: all) by their recomputed
    state, and their timing mart rows; returns how many rows were written. Runs in the
    caller's transaction."""
    touched, events = _touched_and_events(con, tracking_nos)
    rows = _compute(con, touched, events)
    if rows.is_empty():
        return 0
    state = rows.to_arrow()
    con.register("_state", state)
    try:
        con.execute(
            "delete from fct_shipment where tracking_no in (select tracking_no from _state)"
        )
        con.execute("insert into fct_shipment by name select * from _state")
    finally:
        con.unregister("_state")
    if tracking_nos is None:
        write_timing(con)
    else:
        write_timing(con, state, events)
    return rows.height


# The feeds whose loads change the working days: every shipment's timing follows.
CALENDAR_FEEDS = frozenset({"holiday_overrides"})


def after_merge(con: duckdb.DuckDBPyConnection, feed_name: str, good: pl.DataFrame) -> None:
    """The loader's hook: a shipments or tracking file refreshes the shipments it names, a
    holiday file every shipment's timing."""
    if feed_name in SHIPMENT_FEEDS and good.height and "tracking_no" in good.columns:
        refresh(con, good["tracking_no"])
    elif feed_name in CALENDAR_FEEDS and good.height:
        refresh_timing(con)
