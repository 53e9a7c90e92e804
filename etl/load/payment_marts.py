"""The payments pages' marts (lake migration 0012): small pre-aggregated tables written by
the writer, so a page aggregates thousands of rows instead of scanning the facts.

Every mart is keyed by a day. A money-feed load refreshes every day from the first one it
can have changed (``since``: the earliest day of the loaded rows and of the lake rows
their keys name, before and after the merge), inside the load's own transaction: delete
those days, insert them again from the facts (``warehouse/sql/payments/marts/*.sql``). A
shipments or tracking load counts only the shipments whose state it changed in the
columns the marts read (``STATE_FEEDS``, ``_state_since``).
``refresh(con, None)`` rebuilds every day (the demo, ``postmart recon marts``). The
incremental refresh and the full rebuild run the same statements, so they agree; the
pages compare them to the direct computation in ``tests/payments/test_marts.py``.

A change of the calendar (dim_date) or of a gateway's contract needs a full rebuild.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from etl.load.shipment_state import StateChange
from warehouse.query import sql_text

# The feeds whose rows the marts read.
MART_FEEDS = frozenset(
    {
        "orders",
        "payments",
        "settlements",
        "counter_payments",
        "cod_remittances",
        "bank_statement",
        "shipments",
        "tracking_api",
        "tracking_jsonl",
    }
)
# mart table → the statement that computes its rows from $since, and its day column.
MARTS = {
    "mart_pay_attempt_day": ("payments/marts/attempt_day", "day"),
    "mart_pay_statement": ("payments/marts/statement", "day"),
    "mart_pay_funding": ("payments/marts/funding", "day"),
    "mart_pay_settle_lag": ("payments/marts/settle_lag", "day"),
    "mart_pay_settle_fees": ("payments/marts/settle_fees", "day"),
    "mart_pay_cod_held": ("payments/marts/cod_held", "delivered_on"),
    "mart_pay_payout_day": ("payments/marts/payout_day", "delivered_on"),
    "mart_pay_returned_day": ("payments/marts/returned_day", "ordered_on"),
}
# The feeds that reach the marts only through the shipments' state (fct_shipment): after
# their loads the marts follow the shipments whose state changed (``StateChange``), not
# every parcel the file names — a day's tracking batch repeats events from months ago
# that change nothing, and its earliest event day made a refresh of two years of marts.
STATE_FEEDS = frozenset({"shipments", "tracking_api", "tracking_jsonl"})
# The fct_shipment columns the marts read (marts/*.sql): a change of any other (where the
# parcel is now, its last event) moves no mart.
SHIPMENT_COLUMNS = (
    "order_id",
    "delivered_at",
    "is_cod",
    "cod_amount_thb",
    "dest_branch_code",
    "is_returned",
)
EVERYTHING = dt.date(1900, 1, 1)
_KEYS = {
    "txn_ids": ("transaction_id",),
    "order_ids": ("order_id", "ref1", "merchant_order_ref"),
    "tracking_nos": ("tracking_no",),
    "refs": ("settlement_batch_id", "deposit_ref", "reference"),
}


def _keys(good: pl.DataFrame) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for param, columns in _KEYS.items():
        values: set[str] = set()
        for c in columns:
            if c in good.columns:
                values.update(v for v in good[c].cast(pl.Utf8).unique().to_list() if v)
        out[param] = sorted(values)
    return out


def _floor(good: pl.DataFrame) -> dt.date | None:
    days = [
        good[c].cast(pl.Date).min()
        for c, dtype in good.schema.items()
        if dtype == pl.Date or isinstance(dtype, pl.Datetime)
    ]
    days = [d for d in days if d is not None]
    return min(days) if days else None


def since(con: duckdb.DuckDBPyConnection, feed_name: str, good: pl.DataFrame) -> dt.date | None:
    """The first day a load of ``good`` rows of ``feed_name`` can change (None: nothing, or
    the marts are not built yet)."""
    if feed_name not in MART_FEEDS or feed_name in STATE_FEEDS or not good.height:
        return None
    if not is_built(con):
        return None
    return _since(con, _floor(good), _keys(good))


def _since(
    con: duckdb.DuckDBPyConnection, floor: dt.date | None, keys: dict[str, list[str]]
) -> dt.date | None:
    row = con.execute(sql_text("payments/marts/since"), {"floor": floor, **keys}).fetchone()
    return row[0] if row else None


def _state_since(con: duckdb.DuckDBPyConnection, changed: StateChange | None) -> dt.date | None:
    """The first mart day the shipments' changed rows (before and after) can move: their
    delivery days (the COD, statement and payout marts are by delivery day; an order's is
    its first parcel's, never before the earliest of these) and, of parcels returned before
    or after, their orders' days (the returned-orders mart). None: no mart moves."""
    rows = changed.rows if changed is not None else pl.DataFrame()
    if not rows.height:
        return None
    days = [rows["delivered_at"].min()]
    returned = rows.filter(pl.col("is_returned").fill_null(False))["order_id"].drop_nulls()
    if returned.len():
        days.append(
            con.execute(
                "select min(ordered_at) from fct_order "
                "where order_id in (select unnest(cast(? as varchar[])))",
                [returned.unique().to_list()],
            ).fetchone()[0]
        )
    days = [d.date() if isinstance(d, dt.datetime) else d for d in days if d is not None]
    return min(days) if days else None


def is_built(con: duckdb.DuckDBPyConnection) -> bool:
    """True once the marts were refreshed whole (a lake migrated to version 12 and never
    refreshed has empty marts: its pages compute from the facts)."""
    try:
        return bool(con.execute("select count(*) from mart_pay_state").fetchone()[0])
    except duckdb.CatalogException:
        return False


def refresh(con: duckdb.DuckDBPyConnection, since_on: dt.date | None) -> None:
    """Recompute every mart day from ``since_on`` (None: all) in the caller's transaction.
    Before a first full refresh an incremental one does nothing (the marts are not in use)."""
    if since_on is not None and not is_built(con):
        return
    start = since_on or EVERYTHING
    for table, (statement, day) in MARTS.items():
        con.execute(f"delete from {table} where {day} >= ?", [start])  # noqa: S608
        con.execute(
            f"insert into {table} by name {sql_text(statement)}",  # noqa: S608
            {"since": start},
        )
    con.execute("delete from mart_pay_state")
    con.execute(
        "insert into mart_pay_state values ('payments', current_localtimestamp(), ?)",
        [since_on],
    )


def after_merge(
    con: duckdb.DuckDBPyConnection,
    feed_name: str,
    good: pl.DataFrame,
    before: dt.date | None,
    changed: StateChange | None = None,
) -> None:
    """The loader's hook: ``before`` is :func:`since` taken before the merge; ``changed``
    the shipments a shipments or tracking load changed (``shipment_state.after_merge``)."""
    if feed_name not in MART_FEEDS or not good.height or not is_built(con):
        return
    if feed_name in STATE_FEEDS:
        first = _state_since(con, changed)
        if first is not None:
            refresh(con, first)
        return
    after = since(con, feed_name, good)
    days = [d for d in (before, after) if d is not None]
    if days:
        refresh(con, min(days))
