"""The lake on both catalogs: whether a lake exists, read-only readers, the migration runner,
and copies of a lake (OVERRIDE_DATA_PATH) that never touch the lake they were copied from."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.lake_catalogs import PgServer, both_catalogs, copy_lake_files, pg_database
from warehouse import lake as lake_mod
from warehouse.lake import (
    OVERRIDE_DATA_PATH_ENV,
    LakeError,
    LakeMissing,
    applied_versions,
    catalog_exists,
    connect_reader,
    connect_writer,
    migrate,
    migrations,
)
from warehouse.query import fetch_df, fetch_one
from warehouse.settings import Settings, load_settings

# More rows than DuckLake inlines into the catalog (10 by default): these land in Parquet.
N_ROWS = 50


def _fill(settings: Settings, prefix: str) -> None:
    with connect_writer(settings) as con:
        con.execute(
            "insert into dim_region select ? || i, 'th', 'en' from range(?) t(i)", [prefix, N_ROWS]
        )


@contextlib.contextmanager
def _reader(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect_reader(settings)
    try:
        yield con
    finally:
        con.close()


@both_catalogs
def test_no_lake_until_the_first_writer(empty_lake: Settings):
    assert not catalog_exists(empty_lake)
    with pytest.raises(LakeMissing, match="No lake at"):
        connect_reader(empty_lake)
    _fill(empty_lake, "r")
    assert catalog_exists(empty_lake)
    with _reader(empty_lake) as con:
        assert fetch_one(con, "select count(*) from dim_region") == (N_ROWS,)


@pytest.mark.postgres
def test_a_missing_catalog_database_is_no_lake(pg_server: PgServer, settings: Settings):
    s = load_settings(
        {
            "POSTMART_DATA_DIR": str(settings.data_dir),
            "POSTMART_LAKE_CATALOG": "postgres:" + pg_server.conninfo("pm_lake_never_made"),
        }
    )
    assert not catalog_exists(s)
    with pytest.raises(LakeMissing):
        connect_reader(s)


def test_an_unreachable_catalog_server_is_an_error_not_a_missing_lake(settings: Settings):
    # Port 9 (discard) has no PostgreSQL: refused at once, no server needed for this test.
    s = load_settings(
        {
            "POSTMART_DATA_DIR": str(settings.data_dir),
            "POSTMART_LAKE_CATALOG": "postgres:dbname=x host=127.0.0.1 port=9 user=postgres",
        }
    )
    with pytest.raises(LakeError, match="Cannot reach the lake catalog") as caught:
        catalog_exists(s)
    assert not isinstance(caught.value, LakeMissing)


@both_catalogs
def test_readers_attach_read_only_lake_and_catalog(empty_lake: Settings):
    _fill(empty_lake, "r")
    with _reader(empty_lake) as con:
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("insert into dim_region values ('x', 'x', 'x')")
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("create table t (a int)")
        # DuckLake's own catalog database is attached read-only under the reader too.
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("create table __ducklake_metadata_lake.t (a int)")
        assert fetch_one(con, "select count(*) from dim_region") == (N_ROWS,)


@both_catalogs
def test_migrations_apply_once_and_a_failing_one_leaves_nothing(
    empty_lake: Settings, monkeypatch: pytest.MonkeyPatch
):
    versions = {v for v, _, _ in migrations()}
    with connect_writer(empty_lake) as con:
        assert applied_versions(con) == versions
        assert migrate(con) == []  # nothing left to apply
    bad = (
        max(versions) + 1,
        "9999_broken",
        "create table half_done (a integer);\nselect * from no_such_table;",
    )
    monkeypatch.setattr(lake_mod, "migrations", lambda: [*migrations(), bad])
    with pytest.raises(duckdb.Error, match="no_such_table"):
        with connect_writer(empty_lake):
            pass
    with _reader(empty_lake) as con:
        assert fetch_one(con, "select count(*) from schema_migrations") == (len(versions),)
        tables = fetch_df(con, "select table_name from information_schema.tables")
        assert "half_done" not in tables["table_name"].to_list()


def _files(settings: Settings) -> list[str]:
    with _reader(settings) as con:
        files = fetch_df(con, "select data_file from ducklake_list_files('lake', 'dim_region')")
    return files["data_file"].to_list()


def _parquet_on_disk(settings: Settings) -> set[Path]:
    return set(Path(settings.lake_data_path).rglob("*.parquet"))


@both_catalogs
def test_a_copied_lake_reads_and_writes_only_its_own_files(
    catalog: str,
    empty_lake: Settings,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
):
    template = empty_lake
    _fill(template, "t")
    before_files, before_disk = _files(template), _parquet_on_disk(template)
    assert before_files and before_disk

    copy_dir = tmp_path / "copy"
    copy_dir.mkdir()
    copy_lake_files(template, copy_dir)
    env = {"POSTMART_DATA_DIR": str(copy_dir)}
    if catalog == "postgres":
        server: PgServer = request.getfixturevalue("pg_server")
        name = server.create_database(template=pg_database(template))
        request.addfinalizer(lambda: server.drop_database(name))
        env["POSTMART_LAKE_CATALOG"] = "postgres:" + server.conninfo(name)
    copy = load_settings(env)

    # Without the override DuckLake refuses a data path other than the recorded one, and
    # the reader and the writer say so in one line that names the way to move a lake.
    for connect in (connect_reader, lambda c: connect_writer(c).__enter__()):
        with pytest.raises(LakeError, match="recorded at another place .*postmart restore"):
            connect(copy)
    monkeypatch.setenv(OVERRIDE_DATA_PATH_ENV, "1")
    assert all(f.startswith(copy.lake_data_path) for f in _files(copy))

    _fill(copy, "c")
    with _reader(copy) as con:
        assert fetch_one(con, "select count(*) from dim_region") == (2 * N_ROWS,)
    assert all(f.startswith(copy.lake_data_path) for f in _files(copy))
    assert len(_parquet_on_disk(copy)) > len(before_disk)
    # The template: same rows, same file list, not one file more on its disk.
    assert _files(template) == before_files
    assert _parquet_on_disk(template) == before_disk
    with _reader(template) as con:
        assert fetch_one(con, "select count(*) from dim_region") == (N_ROWS,)
