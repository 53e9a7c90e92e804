"""Writing the reference tables into the lake."""

from __future__ import annotations

import duckdb
import polars as pl

from etl.reference.schema import SCHEMAS, conform
from warehouse.query import quote_ident


def write_reference(con: duckdb.DuckDBPyConnection, frames: dict[str, pl.DataFrame]) -> None:
    """Replace each given table's contents, all in one transaction.

    ``con`` is a connect_writer() connection. Readers see the old reference data until the
    commit and the new data after it, never a mix; an error leaves the lake as it was.
    """
    unknown = sorted(set(frames) - set(SCHEMAS))
    if unknown:
        raise ValueError(f"not reference tables: {', '.join(unknown)}")
    con.execute("begin")
    try:
        for table, df in frames.items():
            arrow = conform(table, df).to_arrow()
            columns = ", ".join(quote_ident(c) for c in SCHEMAS[table])
            name = f"_reference_{table}"
            con.register(name, arrow)
            try:
                con.execute(f"delete from {quote_ident(table)}")  # noqa: S608
                con.execute(
                    f"insert into {quote_ident(table)} ({columns}) "  # noqa: S608
                    f"select {columns} from {quote_ident(name)}"
                )
            finally:
                con.unregister(name)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
