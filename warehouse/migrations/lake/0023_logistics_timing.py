"""Backfill of lake migration 0023 (run in its transaction, after its SQL): the timing
marts of an existing lake, written by the statements every load uses."""

from __future__ import annotations

import duckdb


def backfill(con: duckdb.DuckDBPyConnection) -> None:
    from warehouse.logistics_marts import write_timing

    # A new lake has no shipments: its marts are empty already (and the statements cost
    # half a second each time a lake is made, mostly in tests).
    if con.execute("select exists (select 1 from fct_shipment)").fetchone()[0]:
        write_timing(con, with_open=False)  # mart_open_shipment comes with 0024
