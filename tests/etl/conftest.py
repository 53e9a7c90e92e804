"""ETL fixtures: a real lake with the reference geography, branches and some sellers."""

from __future__ import annotations

import polars as pl
import pytest

from etl.feeds import synthetic
from etl.reference import build_reference, write_reference
from warehouse.lake import connect_writer
from warehouse.settings import Settings


@pytest.fixture(scope="session")
def reference() -> dict[str, pl.DataFrame]:
    return build_reference(1)


@pytest.fixture(scope="session")
def frames(reference: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Valid lake-shaped rows: 600 orders with items, settlements, payouts, tracking."""
    return synthetic.frames(reference, 600, seed=3, n_sellers=40)


@pytest.fixture
def lake(empty_lake: Settings, reference: dict, frames: dict) -> Settings:
    """A lake with the reference tables and the sellers the feeds refer to, on this test's
    catalog; its settings are in the environment too, for subprocesses and the CLI."""
    with connect_writer(empty_lake) as con:
        write_reference(con, reference)
        con.register("_s", frames["dim_seller"].to_arrow())
        con.execute("insert into dim_seller by name select * from _s")
    return empty_lake
