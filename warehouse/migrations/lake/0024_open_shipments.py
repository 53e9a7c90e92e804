"""Backfill of lake migration 0024 (run in its transaction, after its SQL): the open
shipments of an existing lake, copied from its timing mart in the mart's order."""

from __future__ import annotations

import duckdb


def backfill(con: duckdb.DuckDBPyConnection) -> None:
    if not con.execute("select exists (select 1 from mart_shipment_timing)").fetchone()[0]:
        return  # a new lake
    con.execute(
        "insert into mart_open_shipment select * from mart_shipment_timing "
        "where not is_delivered and not is_returned "
        "order by accepted_at nulls last, tracking_no"
    )
