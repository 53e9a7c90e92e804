"""Shared fixtures. Each test gets its own data directory through POSTMART_* variables."""

from __future__ import annotations

from pathlib import Path

import pytest

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
