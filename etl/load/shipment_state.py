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

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import polars as pl

from warehouse import vocab
from warehouse.logistics_marts import EVENT_COLUMNS as _EVENT_COLUMNS
from warehouse.logistics_marts import EVENTS_SQL as _EVENTS
from warehouse.logistics_marts import READINGS_SQL as _READINGS
from warehouse.logistics_marts import replace_rows as _replace
from warehouse.logistics_marts import write_timing
from warehouse.query import quote_ident, sql_text

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


def _readings_of(con: duckdb.DuckDBPyConnection, touched: pl.Series) -> object:
    con.register("_t", touched.to_frame("tracking_no").to_arrow())
    try:
        return (
            con.execute(
                f"{_READINGS} where tracking_no in (select tracking_no from _t)"  # noqa: S608
            )
            .pl()
            .to_arrow()
        )
    finally:
        con.unregister("_t")


def refresh_cold_chain(con: duckdb.DuckDBPyConnection, tracking_nos: pl.Series) -> None:
    """mart_cold_chain_shipment rewritten for ``tracking_nos``: after a readings load."""
    touched = tracking_nos.cast(pl.Utf8).unique()
    con.register("_t", touched.to_frame("tracking_no").to_arrow())
    try:
        shipments = (
            con.execute(
                "select * from fct_shipment where tracking_no in (select tracking_no from _t)"
            )
            .pl()
            .to_arrow()
        )
    finally:
        con.unregister("_t")
    con.register("_shipments", shipments)
    con.register("_readings", _readings_of(con, touched))
    try:
        _replace(con, "mart_cold_chain_shipment", "logistics/cold_chain_runs", False)
    finally:
        con.unregister("_shipments")
        con.unregister("_readings")


def refresh_timing(con: duckdb.DuckDBPyConnection) -> None:
    """mart_shipment_timing rewritten for every shipment: after the working days changed
    (a holiday_overrides load, ``postmart logistics holidays``). Stays do not depend on
    the calendar."""
    con.register("_shipments", con.sql("select * from fct_shipment"))
    try:
        _replace(con, "mart_shipment_timing", "logistics/shipment_timing", True)
    finally:
        con.unregister("_shipments")


def refresh(
    con: duckdb.DuckDBPyConnection,
    tracking_nos: pl.Series | None,
    *,
    labels: bool = True,
    events: object | None = None,
    readings: object | None = None,
) -> int:
    """Replace the fct_shipment rows of ``tracking_nos`` (None: all) by their recomputed
    state, and their timing mart rows (their cold-chain row too when ``labels``: a label
    may change the class; events never do); returns how many rows were written. Runs in
    the caller's transaction. ``events`` / ``readings``: every event / cold-chain reading of
    ``tracking_nos`` when the caller has them already (Arrow)."""
    return _refresh(con, tracking_nos, labels, events, readings, watch=None)[0]


@dataclass(frozen=True)
class StateChange:
    """The fct_shipment rows a load changed in the columns a caller watches: ``rows``
    holds each changed row before (``side`` "old") and after ("new"; a new shipment has
    only that), in those columns. The payments marts follow these, not every parcel a file
    names (a day's tracking batch repeats events from months ago, which at most move where
    a parcel was last seen)."""

    rows: pl.DataFrame


def _refresh(
    con: duckdb.DuckDBPyConnection,
    tracking_nos: pl.Series | None,
    labels: bool,
    events: object | None,
    readings: object | None,
    *,
    watch: Sequence[str] | None,
) -> tuple[int, StateChange | None]:
    if events is None:
        touched, events = _touched_and_events(con, tracking_nos)
    else:
        touched = tracking_nos.cast(pl.Utf8).unique()
    rows = _compute(con, touched, events)
    if rows.is_empty():
        return 0, StateChange(pl.DataFrame()) if watch is not None else None
    state = rows.to_arrow()
    con.register("_state", state)
    try:
        change = _change(con, watch) if watch is not None else None
        con.execute(
            "delete from fct_shipment where tracking_no in (select tracking_no from _state)"
        )
        con.execute("insert into fct_shipment by name select * from _state")
    finally:
        con.unregister("_state")
    if tracking_nos is None:
        write_timing(con)
    else:
        if readings is None and labels:
            readings = _readings_of(con, touched)
        write_timing(con, state, events, readings)
    return rows.height, change


def _change(con: duckdb.DuckDBPyConnection, watch: Sequence[str]) -> StateChange:
    """How the recomputed rows in _state differ from the stored ones in the ``watch``
    columns (set difference both ways: NULLs compare equal)."""
    columns = ", ".join(quote_ident(c) for c in dict.fromkeys(("tracking_no", *watch)))
    old = (
        f"select {columns} from fct_shipment "  # noqa: S608
        "where tracking_no in (select tracking_no from _state)"
    )
    new = f"select {columns} from _state"  # noqa: S608
    return StateChange(
        con.execute(
            f"with o as ({old}), n as ({new}) "  # noqa: S608
            "select 'old' as side, * from (select * from o except select * from n) "
            "union all select 'new', * from (select * from n except select * from o)"
        ).pl()
    )


# The feeds whose loads change the working days: every shipment's timing follows.
CALENDAR_FEEDS = frozenset({"holiday_overrides"})
LABEL_FEEDS = frozenset({"shipments"})
READING_FEEDS = frozenset({"cold_chain_readings"})
EVENT_FEEDS = frozenset({"tracking_api", "tracking_jsonl"})
EVENT_KEY = ("tracking_no", "status_code", "event_at", "location")  # the tracking feeds' key


@dataclass
class Stored:
    """The stored events of a tracking file's parcels, read once before the merge: the
    loader finds the rows the file replaces among them, and the state is recomputed from
    them and the file's rows, without reading fct_tracking_event again."""

    relation: str  # registered on the connection, with rowid as _rowid
    touched: pl.Series


def before_merge(
    con: duckdb.DuckDBPyConnection, feed_name: str, good: pl.DataFrame
) -> Stored | None:
    """The loader's hook before a file's rows are written (a tracking file only)."""
    if feed_name not in EVENT_FEEDS or not good.height or "tracking_no" not in good.columns:
        return None
    touched = good["tracking_no"].cast(pl.Utf8).unique()
    con.register("_t", touched.to_frame("tracking_no").to_arrow())
    try:
        stored = (
            con.execute(
                "select rowid as _rowid, * from fct_tracking_event "
                "where tracking_no in (select tracking_no from _t)"
            )
            .pl()
            .to_arrow()
        )
    finally:
        con.unregister("_t")
    con.register("_stored_events", stored)
    return Stored("_stored_events", touched)


def _events_after(con: duckdb.DuckDBPyConnection, stored: Stored, written: object) -> object:
    """The touched parcels' events as the merge left them: the stored ones no file row
    replaced (same key), and the file's rows."""
    cols = ", ".join(_EVENT_COLUMNS)
    on = " and ".join(f"s.{k} is not distinct from w.{k}" for k in EVENT_KEY)
    con.register("_written", written.to_arrow())
    try:
        return (
            con.execute(
                f"select {cols} from {stored.relation} s anti join _written w on ({on}) "  # noqa: S608
                f"union all select {cols} from _written"
            )
            .pl()
            .to_arrow()
        )
    finally:
        con.unregister("_written")


def after_merge(
    con: duckdb.DuckDBPyConnection,
    feed_name: str,
    good: pl.DataFrame,
    stored: Stored | None = None,
    written: object | None = None,
    watch: Sequence[str] | None = None,
) -> StateChange | None:
    """The loader's hook: a shipments or tracking file refreshes the shipments it names
    (returning, when ``watch`` names columns, the rows changed in them), a readings file
    their cold-chain rows, a holiday file every shipment's timing."""
    if stored is not None:
        try:
            events = _events_after(con, stored, written)
            return _refresh(con, stored.touched, False, events, None, watch=watch)[1]
        finally:
            con.unregister(stored.relation)
    elif feed_name in SHIPMENT_FEEDS and good.height and "tracking_no" in good.columns:
        labels = feed_name in LABEL_FEEDS
        return _refresh(con, good["tracking_no"], labels, None, None, watch=watch)[1]
    elif feed_name in READING_FEEDS and good.height and "tracking_no" in good.columns:
        refresh_cold_chain(con, good["tracking_no"])
    elif feed_name in CALENDAR_FEEDS and good.height:
        refresh_timing(con)
    return None
