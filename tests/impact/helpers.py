"""Shared steps of the impact tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from warehouse.lake import OVERRIDE_DATA_PATH_ENV
from warehouse.settings import Settings, load_settings


def copy_lake(source: Settings, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A writable copy of ``source``'s lake (SQLite catalog + Parquet) in ``data_dir``,
    made the lake of this test; the ops DB setting is kept."""
    lake = data_dir / "lake"
    lake.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source.lake_catalog.removeprefix("sqlite:"), lake / "catalog.sqlite")
    shutil.copytree(source.lake_data_path, lake / "files", dirs_exist_ok=True)
    monkeypatch.setenv("POSTMART_LAKE_CATALOG", f"sqlite:{lake / 'catalog.sqlite'}")
    monkeypatch.setenv("POSTMART_LAKE_DATA_PATH", f"{lake / 'files'}/")
    monkeypatch.setenv(OVERRIDE_DATA_PATH_ENV, "1")
    return load_settings()


def lake_copy(source: Settings, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings of a writable copy of ``source``'s lake in ``data_dir`` (the environment
    untouched but for DuckLake's data-path override, which copies need)."""
    lake = data_dir / "lake"
    lake.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source.lake_catalog.removeprefix("sqlite:"), lake / "catalog.sqlite")
    shutil.copytree(source.lake_data_path, lake / "files", dirs_exist_ok=True)
    monkeypatch.setenv(OVERRIDE_DATA_PATH_ENV, "1")
    return load_settings(
        {
            "POSTMART_DATA_DIR": str(data_dir),
            "POSTMART_LAKE_CATALOG": f"sqlite:{lake / 'catalog.sqlite'}",
            "POSTMART_LAKE_DATA_PATH": f"{lake / 'files'}/",
        }
    )
