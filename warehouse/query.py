"""Query helpers: values are always bound as parameters; identifiers go through quote_ident.

Lake reads of the app live as ``.sql`` files by domain (``warehouse/sql/<domain>/<name>.sql``)
and run through :func:`run`, which binds named ``$parameters`` and owns DuckDB's quirks:

- DuckDB refuses a named parameter the statement does not use, so only the used ones are
  passed (a caller may hand every filter it has);
- a cursor does not inherit the connection's ``use lake`` (see :func:`cursor`);
- sets and tuples bind as lists (``list_contains($provinces, province_code)`` is the one
  "in a list" idiom of our SQL);
- a read that meets the SQLite catalog locked by another process's commit is retried
  briefly, then raises ``LakeBusy`` (``warehouse.lake.retry_while_busy``).

One-line catalog queries stay inline, as datasette keeps its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

import duckdb
import polars as pl

from warehouse.lake import retry_while_busy

Params = Sequence[Any] | Mapping[str, Any] | None
SQL_PACKAGE = "warehouse"


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


def _fetch_df(con: duckdb.DuckDBPyConnection, sql: str, params: Params) -> pl.DataFrame:
    cur = cursor(con)
    try:
        return cur.execute(sql, params).pl()
    finally:
        cur.close()


def _fetch_one(con: duckdb.DuckDBPyConnection, sql: str, params: Params) -> tuple | None:
    # Closing the cursor ends its transaction: a half-read result would keep the SQLite
    # catalog's read lock and hold up a writer's commit.
    cur = cursor(con)
    try:
        return cur.execute(sql, params).fetchone()
    finally:
        cur.close()


def fetch_df(con: duckdb.DuckDBPyConnection, sql: str, params: Params = None) -> pl.DataFrame:
    """Run a query on a fresh cursor (connections are shared; cursors are not) as polars;
    LakeBusy when the catalog stays locked by another process's commit."""
    return retry_while_busy(lambda: _fetch_df(con, sql, params))


def fetch_one(con: duckdb.DuckDBPyConnection, sql: str, params: Params = None) -> tuple | None:
    """The first row of a query (on a fresh cursor), or None; LakeBusy as fetch_df."""
    return retry_while_busy(lambda: _fetch_one(con, sql, params))


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


@cache
def sql_text(name: str) -> str:
    """The text of ``warehouse/sql/<name>.sql`` (``name`` like ``"home/sellers"``)."""
    *folders, stem = name.split("/")
    path = resources.files(SQL_PACKAGE) / "sql"
    for part in folders:
        path = path / part
    return (path / f"{stem}.sql").read_text(encoding="utf-8")


# A line of a lake read ending with this comment narrows an incremental run to the rows
# that can matter; ``run(..., drop_narrowing=True)`` leaves such lines out (a run over
# everything, where they would only test every row against every other).
NARROW_MARK = "-- narrow"


@cache
def statement_text(name: str, drop_narrowing: bool = False) -> str:
    """``sql_text(name)``, without its ``-- narrow`` lines when ``drop_narrowing``."""
    text = sql_text(name)
    if not drop_narrowing:
        return text
    return "\n".join(line for line in text.splitlines() if not line.rstrip().endswith(NARROW_MARK))


@cache
def _parameters(name: str, drop_narrowing: bool = False) -> frozenset[str]:
    """The named parameters a lake read uses (DuckDB's own parser, once per statement)."""
    parser = duckdb.connect()
    try:
        text = statement_text(name, drop_narrowing)
        return frozenset(parser.extract_statements(text)[0].named_parameters)
    finally:
        parser.close()


def _bindable(value: Any) -> Any:
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    return value


def run(
    con: duckdb.DuckDBPyConnection, name: str, *, drop_narrowing: bool = False, **params: Any
) -> pl.DataFrame:
    """Run the named lake read (``warehouse/sql/<name>.sql``) with its named parameters,
    on a fresh cursor, as a polars frame. Parameters the statement does not use are
    dropped; one it uses but is not given is an error (a bug, not bad input).
    ``drop_narrowing``: without the statement's ``-- narrow`` lines (NARROW_MARK)."""
    bound = _bound(name, drop_narrowing, params)
    return fetch_df(con, statement_text(name, drop_narrowing), bound)


def _bound(name: str, drop_narrowing: bool, params: Mapping[str, Any]) -> dict | None:
    used = _parameters(name, drop_narrowing)
    missing = sorted(used - set(params))
    if missing:
        raise TypeError(f"{name}.sql needs parameter(s) {', '.join(missing)}")
    return {k: _bindable(v) for k, v in params.items() if k in used} or None


def run_here(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pl.DataFrame:
    """``run`` on ``con`` itself, not a fresh cursor: a private in-memory database's cursor
    whose registered frames another cursor would not see (not for the shared lake)."""
    return con.execute(sql_text(name), _bound(name, False, params)).pl()
