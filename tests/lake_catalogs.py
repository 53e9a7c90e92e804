"""The lake's two catalogs under test: SQLite (the embedded default) and PostgreSQL.

A test that matters for production takes ``@both_catalogs`` and runs as ``[sqlite]`` and
``[postgres]``; its lake fixture reads the ``catalog`` fixture. A PostgreSQL catalog is a
fresh database per test on the server of POSTMART_TEST_PG_URL (the Parquet files stay under
the test's data dir); without that server the ``[postgres]`` tests skip, and with
POSTMART_REQUIRE_POSTGRES=1 they fail instead.

Imported as ``tests.lake_catalogs``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from warehouse.lake import OVERRIDE_DATA_PATH_ENV
from warehouse.settings import Settings

PG_URL_ENV = "POSTMART_TEST_PG_URL"
REQUIRE_PG_ENV = "POSTMART_REQUIRE_POSTGRES"

CATALOGS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
both_catalogs = pytest.mark.parametrize("catalog", CATALOGS, indirect=True)


def pg_url_or_skip() -> str:
    """POSTMART_TEST_PG_URL, or skip the test (fail it when PostgreSQL is required)."""
    url = os.environ.get(PG_URL_ENV)
    if not url:
        if os.environ.get(REQUIRE_PG_ENV) == "1":
            pytest.fail(f"{REQUIRE_PG_ENV}=1 but {PG_URL_ENV} is not set")
        pytest.skip(f"{PG_URL_ENV} not set")
    return url


@dataclass(frozen=True)
class PgServer:
    """The test server: databases made and dropped through the URL's own database."""

    host: str
    port: int
    user: str
    password: str | None
    admin_db: str

    @classmethod
    def from_url(cls, url: str) -> PgServer:
        u = make_url(url)
        return cls(
            u.host or "localhost",
            u.port or 5432,
            u.username or "postgres",
            u.password,
            u.database or "postgres",
        )

    def conninfo(self, dbname: str) -> str:
        """A libpq connection string, as DuckLake's ``postgres:`` catalog takes it."""
        parts = {"dbname": dbname, "host": self.host, "port": str(self.port), "user": self.user}
        if self.password:
            parts["password"] = self.password
        for value in parts.values():
            assert " " not in value and "'" not in value, "plain values only in test conninfo"
        return " ".join(f"{k}={v}" for k, v in parts.items())

    def _admin(self) -> psycopg.Connection:
        # CREATE/DROP DATABASE cannot run inside a transaction.
        return psycopg.connect(self.conninfo(self.admin_db), autocommit=True)

    def create_database(self, template: str | None = None) -> str:
        """A new, uniquely named database (a copy of ``template`` when given)."""
        name = f"pm_lake_{uuid.uuid4().hex[:12]}"
        with self._admin() as pg:
            # Names are our own hex; CREATE DATABASE takes no parameters.
            pg.execute(
                f'create database "{name}"' + (f' template "{template}"' if template else "")
            )
        return name

    def drop_database(self, name: str) -> None:
        with self._admin() as pg:
            pg.execute(f'drop database if exists "{name}" with (force)')


def pg_database(settings: Settings) -> str:
    """The database name in a ``postgres:`` catalog setting made by :class:`PgServer`."""
    parts = dict(p.split("=", 1) for p in settings.lake_catalog.removeprefix("postgres:").split())
    return parts["dbname"]


def catalog_env(settings: Settings) -> dict[str, str]:
    """The POSTMART_* variables that point a child process at this lake."""
    return {
        "POSTMART_DATA_DIR": str(settings.data_dir),
        "POSTMART_LAKE_CATALOG": settings.lake_catalog,
        "POSTMART_LAKE_DATA_PATH": settings.lake_data_path,
        OVERRIDE_DATA_PATH_ENV: os.environ.get(OVERRIDE_DATA_PATH_ENV, ""),
    }


def copy_lake_files(template: Settings, data_dir: Path) -> None:
    """The template's lake folder (SQLite catalog, if any, and Parquet files) into
    ``data_dir``. DuckLake never changes a Parquet file once written, but the copy is real:
    a test may delete files of its own lake."""
    shutil.copytree(
        template.lake_dir, data_dir / "lake", ignore=shutil.ignore_patterns("writer.lock")
    )
