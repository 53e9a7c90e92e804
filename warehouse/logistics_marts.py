"""The logistics timing marts (lake migration 0023): one row per shipment with its
working-day due date and segment times, one per mail-centre stay, one per cold-chain
shipment, and the logistics "now". Written from ``warehouse/sql/logistics`` statements by
every tracking, shipments and readings load (``etl/load/shipment_state.py``) and by the
migration's backfill of an existing lake, so it lives here, below both."""

from __future__ import annotations

import duckdb

from warehouse.query import sql_text

EVENT_COLUMNS = (
    "tracking_no",
    "status_code",
    "event_at",
    "location",
    "branch_code",
    "delivery_status",
)
EVENTS_SQL = f"select {', '.join(EVENT_COLUMNS)} from fct_tracking_event"  # noqa: S608

READINGS_SQL = "select tracking_no, read_at, temperature_c from fct_cold_chain_reading"


def replace_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    statement: str,
    everything: bool,
    with_open: bool = True,
) -> None:
    """Replace ``table``'s rows of the shipments in _shipments by ``statement``'s rows (the
    timing mart's with mart_open_shipment's unless not ``with_open``)."""
    if everything:
        con.execute(f"delete from {table}")  # noqa: S608
    else:
        con.execute(
            f"delete from {table} where tracking_no in (select tracking_no from _shipments)"  # noqa: S608
        )
    con.execute(f"insert into {table} by name {sql_text(statement)}")  # noqa: S608
    if table == "mart_shipment_timing" and with_open:
        # the open ones again, of the same statement (cheaper than reading them back)
        replace_rows_open(con, statement, everything)
        con.execute("delete from mart_logistics_now")
        con.execute(
            "insert into mart_logistics_now "
            "select n.as_of, d.wd_index from (select max(last_event_at) as as_of "
            "from mart_shipment_timing having max(last_event_at) is not null) n "
            "left join mart_working_day d on d.date_day = cast(n.as_of as date)"
        )


OPEN = "not is_delivered and not is_returned"


def replace_rows_open(con: duckdb.DuckDBPyConnection, statement: str, everything: bool) -> None:
    """mart_open_shipment's rows of the shipments in _shipments: their timing rows that are
    open (lake migration 0024)."""
    if everything:
        con.execute("delete from mart_open_shipment")
    else:
        con.execute(
            "delete from mart_open_shipment "
            "where tracking_no in (select tracking_no from _shipments)"
        )
    con.execute(
        f"insert into mart_open_shipment by name select * from ({sql_text(statement)}) "  # noqa: S608
        f"where {OPEN} order by accepted_at nulls last, tracking_no"
    )


def write_timing(
    con: duckdb.DuckDBPyConnection,
    shipments: object | None = None,
    events: object | None = None,
    readings: object | None = None,
    *,
    with_open: bool = True,
) -> None:
    """Rewrite the timing marts for the fct_shipment rows in ``shipments`` (None: all of
    fct_shipment with every event and reading): mart_shipment_timing; with ``events`` (all
    the events of those shipments) mart_mail_centre_stay; with ``readings`` (all their
    cold-chain readings) mart_cold_chain_shipment; mart_open_shipment with the timing mart.
    In the caller's transaction. ``with_open=False``: not mart_open_shipment (migration
    0023's backfill, before 0024 made it)."""
    everything = shipments is None
    con.register("_shipments", con.sql("select * from fct_shipment") if everything else shipments)
    try:
        replace_rows(
            con, "mart_shipment_timing", "logistics/shipment_timing", everything, with_open
        )
        if events is not None or everything:
            con.register("_events", con.sql(EVENTS_SQL) if events is None else events)
            try:
                replace_rows(
                    con, "mart_mail_centre_stay", "logistics/mail_centre_stays", everything
                )
            finally:
                con.unregister("_events")
        if readings is not None or everything:
            con.register("_readings", con.sql(READINGS_SQL) if readings is None else readings)
            try:
                replace_rows(
                    con, "mart_cold_chain_shipment", "logistics/cold_chain_runs", everything
                )
            finally:
                con.unregister("_readings")
    finally:
        con.unregister("_shipments")
