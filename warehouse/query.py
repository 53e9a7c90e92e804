"""Query helpers: values are always bound as parameters; identifiers go through quote_ident."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import polars as pl

Params = Sequence[Any] | Mapping[str, Any] | None


class NotReadOnly(ValueError):
    """Raised when a statement given to a read-only entry point would change something."""


def quote_ident(name: str) -> str:
    """The one way an identifier enters SQL text."""
    return '"' + name.replace('"', '""') + '"'


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the lake. A DuckDB cursor shares the database instance but not the
    connection's `use lake`, so it is repeated here; other connections get a plain cursor."""
    cur = con.cursor()
    attached = cur.execute(
        "select count(*) from duckdb_databases() where database_name = 'lake'"
    ).fetchone()[0]
    if attached:
        cur.execute("use lake")
    return cur


def fetch_df(con: duckdb.DuckDBPyConnection, sql: str, params: Params = None) -> pl.DataFrame:
    """Run a query on a fresh cursor (connections are shared; cursors are not) as polars."""
    cur = cursor(con)
    try:
        return cur.execute(sql, params).pl()
    finally:
        cur.close()


def fetch_one(con: duckdb.DuckDBPyConnection, sql: str, params: Params = None) -> tuple | None:
    cur = cursor(con)
    try:
        return cur.execute(sql, params).fetchone()
    finally:
        cur.close()


def ensure_select(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse anything but one SELECT; the connection is read-only too (two locks, one door)."""
    statements = con.extract_statements(sql)
    if len(statements) != 1:
        raise NotReadOnly("Give exactly one statement.")
    if statements[0].type != duckdb.StatementType.SELECT:
        raise NotReadOnly(f"Only SELECT is allowed here, not {statements[0].type.name}.")


def table_counts(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every lake table and its row count, for the status page and `postmart etl status`."""
    tables = fetch_df(
        con,
        "select table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema = 'main' "
        "order by table_name",
    )["table_name"].to_list()
    rows = [
        (t, fetch_one(con, f"select count(*) from {quote_ident(t)}")[0])  # noqa: S608
        for t in tables
    ]
    return pl.DataFrame(rows, schema={"table": pl.Utf8, "rows": pl.Int64}, orient="row")
