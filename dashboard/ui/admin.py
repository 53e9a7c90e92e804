"""Admin figures read from the lake, cached per lake like the home figures."""

from __future__ import annotations

import polars as pl

from dashboard.admin import loads
from dashboard.identity.user import User
from dashboard.ui import lake
from warehouse.settings import load_settings


@lake.lake_cache
def _warehouse_tables(user: User, lake_catalog: str, lake_data_path: str) -> pl.DataFrame:
    # A count(*) of every lake table: more than a second at the large demo's scale, and
    # changed only by a load, which clears this cache (lake.lake_changed).
    return loads.warehouse_tables(user, lake=lake.reader_or_none())


def warehouse_tables(user: User) -> pl.DataFrame:
    """Every lake table and its row count (cached until a load, or a few minutes)."""
    settings = load_settings()
    return _warehouse_tables(user, settings.lake_catalog, settings.lake_data_path)
