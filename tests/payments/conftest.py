"""Payments fixtures: a lake with the reference geography, the branch network and the
calendar (business days), built once per session and copied for each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from etl.reference import build_dim_date, build_reference, write_reference
from tests.lake_catalogs import copy_lake_files
from warehouse.lake import OVERRIDE_DATA_PATH_ENV, connect_writer
from warehouse.settings import Settings, load_settings


@pytest.fixture(scope="session")
def payments_template(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    import datetime as dt

    d = tmp_path_factory.mktemp("pay_tpl") / "data"
    d.mkdir()
    template = load_settings({"POSTMART_DATA_DIR": str(d)})
    ref = build_reference(1)
    ref["dim_date"] = build_dim_date(dt.date(2025, 1, 1), dt.date(2027, 12, 31))
    with connect_writer(template) as con:
        write_reference(con, ref)
    return template


@pytest.fixture
def pay_lake(
    payments_template: Settings, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """This test's own copy of the payments template lake (SQLite catalog)."""
    copy_lake_files(payments_template, settings.data_dir)
    monkeypatch.setenv(OVERRIDE_DATA_PATH_ENV, "1")
    yield load_settings()


@pytest.fixture
def examples() -> Path:
    return Path(__file__).resolve().parents[2] / "docs" / "examples"
