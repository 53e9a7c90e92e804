"""ETL fixtures: a real lake with the reference geography, branches and some sellers.

The reference lake is built once per session and catalog (a template) and copied for each
test: its folder, and for PostgreSQL its catalog database (``CREATE DATABASE ... TEMPLATE``).
The copy attaches with DuckLake's OVERRIDE_DATA_PATH (``warehouse.lake``
``OVERRIDE_DATA_PATH_ENV``), so it reads and writes the Parquet files under its own folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from etl.feeds import synthetic
from etl.reference import build_reference, write_reference
from tests.lake_catalogs import PgServer, copy_lake_files
from warehouse.lake import OVERRIDE_DATA_PATH_ENV, connect_writer
from warehouse.settings import Settings, load_settings


@pytest.fixture(scope="session")
def reference() -> dict[str, pl.DataFrame]:
    return build_reference(1)


@pytest.fixture(scope="session")
def frames(reference: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Valid lake-shaped rows: 600 orders with items, settlements, payouts, tracking."""
    return synthetic.frames(reference, 600, seed=3, n_sellers=40)


def _build_reference_lake(settings: Settings, reference: dict, frames: dict) -> None:
    with connect_writer(settings) as con:
        write_reference(con, reference)
        con.register("_s", frames["dim_seller"].to_arrow())
        con.execute("insert into dim_seller by name select * from _s")


@dataclass(frozen=True)
class Template:
    settings: Settings
    pg_database: str | None = None  # the catalog database to copy, on PostgreSQL


def _template_dir(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    d = tmp_path_factory.mktemp(name) / "data"
    d.mkdir()
    return d


@pytest.fixture(scope="session")
def sqlite_template(
    tmp_path_factory: pytest.TempPathFactory, reference: dict, frames: dict
) -> Template:
    """The reference lake on a SQLite catalog, built once; tests get copies (`lake`)."""
    template = load_settings({"POSTMART_DATA_DIR": str(_template_dir(tmp_path_factory, "tpl"))})
    _build_reference_lake(template, reference, frames)
    return Template(template)


@pytest.fixture(scope="session")
def postgres_template(
    tmp_path_factory: pytest.TempPathFactory, reference: dict, frames: dict, pg_server: PgServer
) -> Iterator[Template]:
    """The reference lake on a PostgreSQL catalog database, built once, dropped at the end."""
    name = pg_server.create_database()
    d = _template_dir(tmp_path_factory, "tpl_pg")
    template = load_settings(
        {
            "POSTMART_DATA_DIR": str(d),
            "POSTMART_LAKE_CATALOG": "postgres:" + pg_server.conninfo(name),
        }
    )
    try:
        # The writer's connection is closed when this returns: CREATE DATABASE ... TEMPLATE
        # needs the template database without sessions.
        _build_reference_lake(template, reference, frames)
        yield Template(template, name)
    finally:
        pg_server.drop_database(name)


@pytest.fixture
def lake(
    catalog: str,
    settings: Settings,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Settings]:
    """This test's own copy of the reference lake (geography, branches, the feeds' sellers),
    on its catalog; the settings are in the environment too, for subprocesses and the CLI."""
    template: Template = request.getfixturevalue(f"{catalog}_template")
    copy_lake_files(template.settings, settings.data_dir)
    monkeypatch.setenv(OVERRIDE_DATA_PATH_ENV, "1")
    if catalog == "sqlite":
        yield load_settings()
        return
    server: PgServer = request.getfixturevalue("pg_server")
    name = server.create_database(template=template.pg_database)
    monkeypatch.setenv("POSTMART_LAKE_CATALOG", "postgres:" + server.conninfo(name))
    try:
        yield load_settings()
    finally:
        server.drop_database(name)
