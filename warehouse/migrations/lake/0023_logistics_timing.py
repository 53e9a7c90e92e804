"""Backfill of lake migration 0023 (run in its transaction, after its SQL): the timing
marts of an existing lake, written by the statements every load uses."""

from __future__ import annotations

import duckdb


def backfill(con: duckdb.DuckDBPyConnection) -> None:
    from warehouse.logistics_marts import write_timing

    write_timing(con, with_open=False)  # mart_open_shipment comes with 0024
