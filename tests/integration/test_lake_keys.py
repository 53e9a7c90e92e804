"""Every lake table's and view's key, as the migrations state it, is unique and not null.

DuckLake has no key constraints, so the key of each table and view is written in its
migration's comments (``tests/lake_keys.py`` says how) and checked here on the tiny demo
lake. A new table or view is covered as soon as a migration creates it; one that states
no key fails until it does.
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from tests.lake_keys import Keyed, key_problems, lake_keys, parse_keys
from warehouse.lake import connect_reader
from warehouse.query import fetch_df
from warehouse.settings import Settings

KEYS = lake_keys()


@pytest.fixture(scope="module")
def demo_lake(demo_settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect_reader(demo_settings)
    try:
        yield con
    finally:
        con.close()


def test_the_parser_reads_every_way_of_stating_a_key():
    sql = """
-- grain: one row per thing
create table if not exists thing (
    thing_code varchar,         -- key: a description, not columns
    name varchar
);
create table if not exists pair (
    a varchar,                  -- key with b, c
    b varchar,
    c integer                   -- the third
);
create table if not exists marked (
    x varchar,                  -- key
    y varchar,                  -- key
    z varchar
);
create table if not exists nothing (
    a varchar
);

-- grain: one row per thing that counts
-- key: thing_code
-- more words about it
create or replace view thing_view as
select * from thing;
"""
    later = "drop view if exists thing_view;\n"
    assert parse_keys([("1.sql", sql)]) == {
        "thing": Keyed("thing", "table", ("thing_code",), "1.sql"),
        "pair": Keyed("pair", "table", ("a", "b", "c"), "1.sql"),
        "marked": Keyed("marked", "table", ("x", "y"), "1.sql"),
        "nothing": Keyed("nothing", "table", (), "1.sql"),
        "thing_view": Keyed("thing_view", "view", ("thing_code",), "1.sql"),
    }
    assert "thing_view" not in parse_keys([("1.sql", sql), ("2.sql", later)])


def test_every_lake_table_and_view_states_its_key(demo_lake: duckdb.DuckDBPyConnection):
    in_lake = set(
        fetch_df(
            demo_lake,
            "select table_name from information_schema.tables "
            "where table_catalog = current_database() and table_schema = 'main'",
        )["table_name"].to_list()
    )
    assert in_lake == set(KEYS), "every table and view comes from a migration"
    assert [k.name for k in KEYS.values() if not k.key] == []
    assert KEYS["mart_paid_order"].kind == "view"


@pytest.mark.parametrize("name", sorted(KEYS))
def test_key_is_unique_and_not_null(demo_lake: duckdb.DuckDBPyConnection, name: str):
    # A table the tiny demo leaves empty (the ETL ledger and quarantine: the demo writes
    # its feeds as files, it does not load them) passes trivially here; the ETL tests check
    # the keys after real loads.
    assert key_problems(demo_lake, KEYS[name]) == []
