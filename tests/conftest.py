"""Shared fixtures. Each test gets its own data directory through POSTMART_* variables."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lake_catalogs import PgServer, pg_url_or_skip

from warehouse.settings import Settings, load_settings


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data directory that every setting points into."""
    d = tmp_path / "data"
    d.mkdir()
    monkeypatch.setenv("POSTMART_DATA_DIR", str(d))
    for name in ("OPS_DB_URL", "LAKE_CATALOG", "LAKE_DATA_PATH", "INBOX_DIR"):
        monkeypatch.delenv(f"POSTMART_{name}", raising=False)
    return d


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return load_settings()


@pytest.fixture
def catalog(request: pytest.FixtureRequest) -> str:
    """The lake catalog of this test: "sqlite" unless it runs on both (``@both_catalogs``)."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_server() -> PgServer:
    """The PostgreSQL server of POSTMART_TEST_PG_URL (skip without it, unless required)."""
    return PgServer.from_url(pg_url_or_skip())


@pytest.fixture
def empty_lake(
    catalog: str,
    settings: Settings,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Settings]:
    """Settings of a lake not built yet, on this test's catalog: the SQLite file in the data
    dir, or a fresh PostgreSQL database (dropped afterwards); Parquet under the data dir."""
    if catalog == "sqlite":
        yield settings
        return
    server: PgServer = request.getfixturevalue("pg_server")
    name = server.create_database()
    monkeypatch.setenv("POSTMART_LAKE_CATALOG", "postgres:" + server.conninfo(name))
    try:
        yield load_settings()
    finally:
        server.drop_database(name)


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A lake holding the tiny demo (seed 1, ending today), built once per test session.

    Read it only: every test that takes it shares the same files.
    """
    from etl.demo import build_demo

    d = tmp_path_factory.mktemp("demo") / "data"
    d.mkdir()
    demo = load_settings({"POSTMART_DATA_DIR": str(d)})
    build_demo(demo, scale="tiny", seed=1, log=lambda _msg: None)
    return demo
