"""A real DuckLake lake with just the rows a test needs (written through the one writer)."""

from __future__ import annotations

from typing import Any

import polars as pl

from warehouse.lake import connect_writer


def write_lake(**tables: list[dict[str, Any]]) -> None:
    """Insert rows into lake tables by column name (missing columns stay null)."""
    with connect_writer() as con:
        for table, rows in tables.items():
            if not rows:
                continue
            frame = pl.DataFrame(rows, infer_schema_length=None)
            con.register("rows_in", frame)
            con.execute(f"insert into {table} by name select * from rows_in")  # noqa: S608
            con.unregister("rows_in")
