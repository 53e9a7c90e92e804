"""Fixtures of the service tests: the small hand-built lake (the ops DB stack and the
account factories are the suite's own, in tests/conftest.py)."""

from __future__ import annotations

import dataclasses

import pytest

from tests import ops_db
from tests.services.helpers import build_small_lake
from warehouse.settings import Settings, load_settings


@pytest.fixture(scope="session")
def small_lake(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of a tiny hand-built lake (read it only; every figure is known)."""
    root = tmp_path_factory.mktemp("small_lake")
    settings = load_settings({"POSTMART_DATA_DIR": str(root)})
    build_small_lake(settings)
    return settings


@pytest.fixture
def lake_settings(small_lake: Settings, settings: Settings) -> Settings:
    """The small lake, with this test's own (SQLite) ops DB."""
    return dataclasses.replace(small_lake, ops_db_url=settings.ops_db_url)


@pytest.fixture
def make_user(ops_settings: Settings) -> ops_db.MakeUser:
    """As the root fixture, on ``ops_settings``: every account test runs on SQLite and on
    PostgreSQL (``admin`` and ``users`` follow it)."""
    return ops_db.make_user_factory()
