"""Logistics fixtures: the ETL tests' reference lake (geography and branches), copied per
test (`lake`) or per module (`module_lake`), and the demo lake read only (`demo_settings`,
tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.etl.conftest import (  # noqa: F401  (fixtures, re-exported for this folder)
    Template,
    frames,
    lake,
    postgres_template,
    reference,
    sqlite_template,
)
from tests.lake_catalogs import copy_lake_files
from warehouse.lake import OVERRIDE_DATA_PATH_ENV
from warehouse.settings import Settings, load_settings


@pytest.fixture(scope="module")
def module_lake(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    """A copy of the reference lake shared by one module's tests (loads are slow on a
    shared machine: a module loads its files once and its tests read the outcome)."""
    template: Template = request.getfixturevalue("sqlite_template")
    d = tmp_path_factory.mktemp("logistics_lake") / "data"
    d.mkdir()
    copy_lake_files(template.settings, d)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(OVERRIDE_DATA_PATH_ENV, "1")
        mp.setenv("POSTMART_DATA_DIR", str(d))
        for name in ("POSTMART_LAKE_CATALOG", "POSTMART_OPS_DB_URL"):
            mp.delenv(name, raising=False)
        yield load_settings()
