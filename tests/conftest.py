"""Shared fixtures. Each test gets its own data directory through POSTMART_* variables.

Expensive things are built once per session and copied per test: the migrated ops DB
(``tests/ops_db.py``), the tiny demo lake (read only), the reference lake of the ETL tests.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from dashboard.identity import auth
from dashboard.identity.user import User
from tests import ops_db
from tests.lake_catalogs import PgServer, pg_url_or_skip
from warehouse import ops
from warehouse.settings import Settings, load_settings

# Argon2id at its cheapest: the suite makes an account in most tests, and the real profile
# costs about half a second a hash. tests/services/test_auth.py checks the real one.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    real = auth.use_hasher(CHEAP_HASHER)
    yield
    auth.use_hasher(real)


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


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]
) -> Path:
    """A folder ``build`` fills once per test run, shared by the xdist workers (their own
    temporary folders sit side by side under one parent): the first worker to ask builds it
    under a file lock, the others wait and reuse it. Read it only."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    target = base / name
    with (base / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / ".built").exists():
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir()
            build(target)
            (target / ".built").touch()
    return target


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A lake holding the tiny demo (seed 1, ending today), built once per test run (the
    workers share it).

    Read it only: every test that takes it shares the same files.
    """
    from etl.demo import build_demo

    def build(folder: Path) -> None:
        (folder / "data").mkdir()
        demo = load_settings({"POSTMART_DATA_DIR": str(folder / "data")})
        build_demo(demo, scale="tiny", seed=1, log=lambda _msg: None)

    return load_settings(
        {"POSTMART_DATA_DIR": str(built_once(tmp_path_factory, "demo", build) / "data")}
    )


# ------------------------------------------------------------------ the ops DB, one stack


@pytest.fixture(autouse=True)
def _dispose_engines() -> Iterator[None]:
    """No pooled connection outlives its test (a test's database is gone after it)."""
    yield
    ops.dispose_all()


@pytest.fixture(scope="session")
def sqlite_ops_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ops_db.migrated_sqlite(tmp_path_factory.mktemp("ops_template") / "ops.sqlite")


@pytest.fixture(scope="session")
def pg_ops_template(pg_server: PgServer) -> Iterator[str]:
    name = ops_db.migrated_postgres(pg_server)
    yield name
    pg_server.drop_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ops_settings(
    request: pytest.FixtureRequest,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    sqlite_ops_template: Path,
) -> Iterator[Settings]:
    """Settings whose ops DB is a migrated SQLite file in the test's data dir, or a
    PostgreSQL database of its own (copied from a migrated template, dropped after)."""
    if request.param == "sqlite":
        url = ops_db.copy_sqlite(sqlite_ops_template, data_dir / "ops.sqlite")
        monkeypatch.setenv("POSTMART_OPS_DB_URL", url)
        yield load_settings()
        return
    server: PgServer = request.getfixturevalue("pg_server")
    name = server.create_database(template=request.getfixturevalue("pg_ops_template"))
    monkeypatch.setenv("POSTMART_OPS_DB_URL", ops_db.pg_url(server, name))
    try:
        yield load_settings()
    finally:
        ops.dispose_all()
        server.drop_database(name)


@pytest.fixture
def sqlite_ops(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, sqlite_ops_template: Path
) -> Settings:
    """Settings with a migrated SQLite ops DB only (rules that are the same on both)."""
    url = ops_db.copy_sqlite(sqlite_ops_template, data_dir / "ops.sqlite")
    monkeypatch.setenv("POSTMART_OPS_DB_URL", url)
    return load_settings()


@pytest.fixture
def ops_db_url(ops_settings: Settings) -> str:
    """The ops DB URL, once on SQLite and once on PostgreSQL."""
    return ops_settings.ops_db_url


@pytest.fixture
def sqlite_db(sqlite_ops: Settings) -> str:
    return sqlite_ops.ops_db_url


@pytest.fixture
def make_user(request: pytest.FixtureRequest) -> ops_db.MakeUser:
    """Create an account (by the CLI actor): make_user("ministry") or with keyword overrides.
    Uses this test's ops DB (``ops_settings``, else a SQLite one)."""
    _ops_fixture(request)
    return ops_db.make_user_factory()


@pytest.fixture
def admin(make_user: ops_db.MakeUser) -> User:
    user, _ = make_user("admin", username="root.admin", display_name="Root admin")
    return user


@pytest.fixture
def users(request: pytest.FixtureRequest) -> dict[str, User]:
    """Two officers of Phang Nga (82), one of Bangkok (10), a ministry user, an admin, each
    made on first use (``ops_db.CAST``), in this test's ops DB."""
    _ops_fixture(request)
    return ops_db.LazyCast()


def _ops_fixture(request: pytest.FixtureRequest) -> None:
    for name in ("ops_settings", "ops_db_url", "sqlite_db", "sqlite_ops"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
            return
    request.getfixturevalue("sqlite_ops")
