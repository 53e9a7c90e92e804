"""The lake's snapshots, for figures "as of" a past commit.

DuckLake keeps every commit as a snapshot; a reader attached at ``snapshot_version`` sees
the lake exactly as that commit left it (``warehouse.lake.connect_reader``). Each snapshot
is labelled by its time and by the load that made it: the ``etl_load`` rows that first
appear in it (a load writes its ledger row in the same commit as its rows).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import duckdb

from dashboard.errors import NotFound
from warehouse.query import fetch_df, fetch_one

BANGKOK = ZoneInfo("Asia/Bangkok")


@dataclass(frozen=True)
class Snapshot:
    snapshot_id: int
    at: dt.datetime  # naive Bangkok time, like the lake
    feed: str | None  # the load that made it, when it was one
    file_name: str | None


def snapshots(con: duckdb.DuckDBPyConnection, limit: int = 200) -> list[Snapshot]:
    """The newest snapshots first, each with the load that made it (if any).

    The load is the ``etl_load`` row whose id appears in this snapshot and not in the one
    before; it is read from DuckLake's own change feed of ``etl_load``.
    """
    snaps = fetch_df(
        con,
        "select snapshot_id, snapshot_time from ducklake_snapshots('lake') "
        "order by snapshot_id desc limit $n",
        {"n": limit},
    )
    if snaps.is_empty():
        return []
    first = int(snaps["snapshot_id"].min())
    last = int(snaps["snapshot_id"].max())
    try:
        loads = fetch_df(
            con,
            "select snapshot_id, any_value(feed) as feed, any_value(file_name) as file_name "
            "from ducklake_table_insertions('lake', 'main', 'etl_load', $a, $b) "
            "group by snapshot_id",
            {"a": first, "b": last},
        )
        made = {r["snapshot_id"]: (r["feed"], r["file_name"]) for r in loads.iter_rows(named=True)}
    except duckdb.Error:
        made = {}  # a lake without a ledger yet
    out = []
    for row in snaps.iter_rows(named=True):
        at = row["snapshot_time"].astimezone(BANGKOK).replace(tzinfo=None, microsecond=0)
        feed, file_name = made.get(row["snapshot_id"], (None, None))
        out.append(Snapshot(int(row["snapshot_id"]), at, feed, file_name))
    return out


def current_snapshot(con: duckdb.DuckDBPyConnection) -> int:
    """The snapshot the connection reads (the newest, or the one it was attached at)."""
    # On a cursor that is closed after (query.fetch_one): a result left open on the shared
    # connection kept the SQLite catalog's read lock for good, and no load could commit.
    row = fetch_one(con, "select id from lake.current_snapshot()")
    return int(row[0])


def cache_key(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> tuple[str, int, str]:
    """(the lake's catalog, ``snapshot_id``, its time): what a per-process cache of a
    snapshot's figures is keyed by. A snapshot never changes; the time tells apart a lake
    rebuilt at the same place (``postmart demo`` again), whose ids start over."""
    row = fetch_one(
        con,
        "select (select path from duckdb_databases() where database_name = 'lake'), "
        "(select snapshot_time from ducklake_snapshots('lake') where snapshot_id = ?)",
        [int(snapshot_id)],
    )
    return (str(row[0] if row else ""), snapshot_id, str(row[1] if row else ""))


def require_snapshot(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> Snapshot:
    """The snapshot, or NotFound when the lake no longer has it (expired) or never had."""
    row = fetch_one(
        con,
        "select snapshot_id, snapshot_time from ducklake_snapshots('lake') where snapshot_id = ?",
        [int(snapshot_id)],
    )
    if row is None:
        raise NotFound("impact.snapshot.unknown", snapshot=snapshot_id)
    at = row[1].astimezone(BANGKOK).replace(tzinfo=None, microsecond=0)
    return Snapshot(int(row[0]), at, None, None)
