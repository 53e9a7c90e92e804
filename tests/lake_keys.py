"""Each lake table's and view's key, read from the comments of the lake migrations, and
the check that a lake honours them (DuckLake has no key constraints).

How a migration states a key (``warehouse/migrations/lake/*.sql``):

- on a column line: ``-- key`` (that column), ``-- key: <description>`` (that column; the
  text after the colon only describes it), ``-- key with a, b`` (that column with a and b);
  several columns marked ``-- key`` make one composite key;
- on a comment line of its own above the ``create``: ``-- key: a, b`` (the column list;
  the form a view takes, whose columns have no comment lines).

Imported as ``tests.lake_keys``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from warehouse.lake import migrations
from warehouse.query import fetch_df, fetch_one, quote_ident

_CREATE = re.compile(
    r"^\s*create\s+(?:or\s+replace\s+)?(table|view)\s+(?:if\s+not\s+exists\s+)?(\w+)", re.I
)
_DROP = re.compile(r"^\s*drop\s+(?:table|view)\s+(?:if\s+exists\s+)?(\w+)", re.I)
_COLUMN = re.compile(r"^\s*(\w+)\s+[^-]*?(?:--\s*(.*))?$")
_COLUMN_KEY = re.compile(r"^key(?:\s+with\s+(?P<with>[\w\s,]+?))?\s*(?::.*)?$", re.I)
_STANDALONE_KEY = re.compile(r"^\s*--\s*key:\s*(?P<cols>\w+(?:\s*,\s*\w+)*)\s*\.?\s*$", re.I)


@dataclass(frozen=True)
class Keyed:
    name: str
    kind: str  # "table" | "view"
    key: tuple[str, ...]  # empty: no key stated
    source: str  # migration file name


def _split(cols: str) -> list[str]:
    return [c.strip() for c in cols.split(",") if c.strip()]


def parse_keys(files: list[tuple[str, str]]) -> dict[str, Keyed]:
    """Every table and view the migrations (name, sql text; in order) leave, with its key."""
    out: dict[str, Keyed] = {}
    for source, sql in files:
        stated: list[str] = []  # standalone "-- key: a, b" lines above the next create
        table: tuple[str, list[str]] | None = None  # the table whose columns we are in
        for line in sql.splitlines():
            if table is not None:
                if line.strip().startswith(")"):
                    name, key = table
                    out[name] = Keyed(name, "table", tuple(key), source)
                    table = None
                    continue
                m = _COLUMN.match(line)
                if m and m.group(2) and (k := _COLUMN_KEY.match(m.group(2).strip())):
                    table[1].extend([m.group(1), *(_split(k.group("with") or ""))])
                continue
            if m := _STANDALONE_KEY.match(line):
                stated.extend(_split(m.group("cols")))
            elif m := _CREATE.match(line):
                kind, name = m.group(1).lower(), m.group(2)
                if kind == "table" and line.rstrip().endswith("("):
                    table = (name, list(stated))
                else:
                    out[name] = Keyed(name, kind, tuple(stated), source)
                stated = []
            elif m := _DROP.match(line):
                out.pop(m.group(1), None)
            elif not line.strip():
                stated = []  # a key line belongs to the statement right below it
    return out


def lake_keys() -> dict[str, Keyed]:
    """The keys the lake's own migrations state."""
    return parse_keys([(f"{name}.sql", sql) for _, name, sql in migrations()])


def key_problems(con: duckdb.DuckDBPyConnection, keyed: Keyed) -> list[str]:
    """What is wrong with ``keyed``'s key in this lake: unknown columns, nulls, duplicates
    (with a few examples). Empty when the key holds (or the table has no rows)."""
    columns = set(
        fetch_df(
            con,
            "select column_name from information_schema.columns "
            "where table_catalog = current_database() and table_name = ?",
            [keyed.name],
        )["column_name"].to_list()
    )
    if not keyed.key:
        return [f"{keyed.name} ({keyed.source}) states no key"]
    unknown = [c for c in keyed.key if c not in columns]
    if unknown:
        return [f"{keyed.name}: key column(s) {', '.join(unknown)} not in the {keyed.kind}"]
    table = quote_ident(keyed.name)
    cols = ", ".join(quote_ident(c) for c in keyed.key)
    problems = []
    nulls = fetch_one(
        con,
        f"select count(*) from {table} where "  # noqa: S608
        + " or ".join(f"{quote_ident(c)} is null" for c in keyed.key),
    )[0]
    if nulls:
        problems.append(f"{keyed.name}: {nulls} row(s) with a null in key ({cols})")
    dups = fetch_df(
        con,
        f"select {cols}, count(*) as n from {table} group by all having count(*) > 1 "  # noqa: S608
        f"order by n desc limit 5",
    )
    if dups.height:
        total = fetch_one(
            con,
            f"select count(*) from (select 1 from {table} group by {cols} "  # noqa: S608
            f"having count(*) > 1)",
        )[0]
        problems.append(
            f"{keyed.name}: {total} duplicated key value(s) of ({cols}), e.g. {dups.rows()}"
        )
    return problems


def all_key_problems(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every key problem in the lake, for every table and view the migrations make."""
    return [p for keyed in lake_keys().values() for p in key_problems(con, keyed)]
