"""The payments pages' marts (lake migration 0012) give the figures the direct computation
on the facts gives: built whole by the demo, and refreshed day by day by the loads."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from dashboard.payments import marts, recon
from etl.load import payment_marts
from etl.load.loader import load_files
from tests.lake_catalogs import copy_lake_files
from tests.payments import helpers
from warehouse import query
from warehouse.lake import OVERRIDE_DATA_PATH_ENV, connect_reader, connect_writer
from warehouse.settings import Settings, load_settings

RAIL_READS = ("payments/statement", "payments/funding")
READS = (
    "payments/health_daily",
    "payments/health_channels",
    "payments/failure_reasons",
    "payments/settlement_lag",
    "payments/settlement_fees",
    "payments/cod_custody",
    "payments/payout_eligible",
)


def _params(settings: Settings, as_of: dt.date, days: int) -> dict:
    return {
        **recon.break_params(settings, as_of),
        "start": as_of - dt.timedelta(days=days),
        "end": as_of,
        "recent_days": 7,
        "baseline_days": 28,
        "min_drop_points": 5.0,
        "z_limit": 3.0,
        "national": True,
        "branches": [],
        "from_on": as_of - dt.timedelta(days=days + 7),
        "through_on": as_of - dt.timedelta(days=7),
        "window_days": settings.payout_return_window_days,
    }


def assert_marts_match(settings: Settings) -> int:
    """Every mart-backed read equals its direct twin (values and types); the rows seen."""
    con = connect_reader(settings)
    try:
        assert marts.built(con)
        as_of = query.run(con, "payments/as_of")["as_of"][0]
        assert query.run(con, "payments/as_of_mart")["as_of"][0] == as_of
        seen = 0
        for days in (7, 30, 800):
            p = _params(settings, as_of, days)
            calls = [
                (n, {**p, "rail": r}) for n in RAIL_READS for r in ("gateway", "counter", "cod")
            ]
            calls += [(n, p) for n in READS]
            for name, params in calls:
                direct = query.run(con, name, **params)
                mart = query.run(con, f"{name}_mart", **params)
                assert mart.schema == direct.schema, name
                assert mart.equals(direct), f"{name} {params.get('rail', '')} {days} days"
                seen += direct.height
        return seen
    finally:
        con.close()


def test_the_demo_builds_the_marts_and_they_give_the_direct_figures(
    demo_settings: Settings,
) -> None:
    assert assert_marts_match(demo_settings) > 100


@pytest.fixture
def demo_copy(demo_settings: Settings, settings: Settings, monkeypatch) -> Settings:
    copy_lake_files(demo_settings, settings.data_dir)
    shutil.copytree(demo_settings.inbox_dir, settings.inbox_dir)
    monkeypatch.setenv(OVERRIDE_DATA_PATH_ENV, "1")
    return load_settings()


def test_loads_refresh_the_marts_day_by_day_as_a_full_rebuild_would(
    demo_copy: Settings, tmp_path: Path
) -> None:
    demo_files = sorted((demo_copy.inbox_dir / "demo").glob("*"))
    extra = helpers.next_settlement_file(demo_copy, tmp_path)
    assert extra is not None
    results = load_files([*demo_files, extra], settings=demo_copy)
    assert {r.feed for r in results if r.status == "loaded"} >= {"payments", "settlements"}
    assert assert_marts_match(demo_copy) > 100
    con = connect_reader(demo_copy)
    try:
        incremental = {
            t: con.execute(f"select * from {t} order by all").pl()  # noqa: S608
            for t in payment_marts.MARTS
        }
    finally:
        con.close()
    with connect_writer(demo_copy) as con:
        con.execute("begin")
        payment_marts.refresh(con, None)
        con.execute("commit")
        for table, before in incremental.items():
            assert con.execute(f"select * from {table} order by all").pl().equals(before), table  # noqa: S608
