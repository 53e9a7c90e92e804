"""The community digital centres (issue 11, item 5): the openings feed, the planted effect
recovered by the staggered difference-in-differences, its pre-trend check, and who may see
it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from dashboard.errors import NotFound, PermissionDenied
from dashboard.identity import authz
from dashboard.impact import centres
from etl.demo import centres as demo_centres
from etl.load import impact_marts, load_files
from tests.impact.helpers import lake_copy
from warehouse.lake import connect_reader
from warehouse.settings import Settings, load_settings

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
CLI = authz.CLI_ACTOR


def _manifest(settings: Settings) -> dict:
    entry = demo_centres.read_manifest(settings.inbox_dir / "demo")
    assert entry is not None, "the demo writes the planted effect to its manifest"
    return entry


def test_the_tiny_demo_plants_staggered_openings_and_the_estimate_covers_it(demo_settings):
    planted = _manifest(demo_settings)
    assert planted["lift"] == demo_centres.LIFT
    est = centres.centre_effect(CLI, settings=demo_settings)
    assert est.treated_sellers == planted["treated_sellers"] > 0
    assert est.control_sellers > 0 and est.centres > 0
    assert est.low <= planted["effect_thb_per_seller_month"] <= est.high
    assert est.low < est.effect < est.high
    # The openings are staggered: more than one cohort, and months before each (the leads).
    assert len({e.months for e in est.events if e.months < 0}) == centres.LEADS
    con = connect_reader(demo_settings)
    try:
        cohorts = con.execute(
            "select count(distinct date_trunc('month', opened_on)) from fct_digital_centre_opening"
        ).fetchone()[0]
    finally:
        con.close()
    assert cohorts > 10


def _synthetic(effect: float, pre_trend: float = 0.0, seed: int = 3) -> pl.DataFrame:
    """600 sellers over 24 months, a third never treated, the rest opening in months 8–16;
    sales 1,000 a month plus noise, ``effect`` from the opening on, and ``pre_trend`` a
    month more for the treated in the months before (a violated parallel trend)."""
    rng = np.random.default_rng(seed)
    n, months = 600, 24
    cohort = np.where(rng.random(n) < 1 / 3, 0, rng.integers(8, 17, n))
    rows = []
    for i in range(n):
        base = rng.normal(1000, 200)
        for t in range(months):
            y = base + rng.normal(0, 150)
            if cohort[i] and t >= cohort[i]:
                y += effect
            if cohort[i] and t < cohort[i]:
                y += pre_trend * t
            rows.append((f"S{i:04d}", 24_300 + t, y, 0 if not cohort[i] else 24_300 + cohort[i]))
    return pl.DataFrame(
        rows, schema=["seller_id", "period", "sales_thb", "first_treat"], orient="row"
    ).with_columns(digital_centre_id=pl.when(pl.col("first_treat") > 0).then(pl.lit("DC1")))


def test_estimate_recovers_a_known_effect_with_parallel_trends() -> None:
    est = centres.estimate(_synthetic(effect=250.0))
    assert est.low <= 250.0 <= est.high
    assert est.significant and est.leads_ok
    assert est.pretrend_p is not None and est.pretrend_p > 0.05
    assert est.treated_sellers + est.control_sellers == 600


def test_estimate_of_no_effect_is_not_significant() -> None:
    est = centres.estimate(_synthetic(effect=0.0, seed=5))
    assert est.low <= 0.0 <= est.high


def test_pre_trend_check_fails_when_the_groups_already_diverged() -> None:
    est = centres.estimate(_synthetic(effect=0.0, pre_trend=40.0))
    assert est.pretrend_p is not None and est.pretrend_p < 0.05


def test_no_opening_means_nothing_to_estimate() -> None:
    none = _synthetic(effect=0.0).with_columns(first_treat=pl.lit(0))
    with pytest.raises(NotFound):
        centres.estimate(none)


def test_only_the_ministry_and_admins_see_the_estimate(demo_settings, users, monkeypatch):
    monkeypatch.setenv("POSTMART_LAKE_CATALOG", demo_settings.lake_catalog)
    monkeypatch.setenv("POSTMART_LAKE_DATA_PATH", demo_settings.lake_data_path)
    with pytest.raises(PermissionDenied):
        centres.centre_effect(users["pn_a"])
    assert centres.centre_effect(users["ministry"]).treated_sellers > 0


def test_openings_feed_loads_and_quarantines_unknown_centres(demo_settings, tmp_path, monkeypatch):
    lake = lake_copy(demo_settings, tmp_path / "lake", monkeypatch)
    example = tmp_path / "digital_centre_openings.csv"
    shutil.copyfile(EXAMPLES / "digital_centre_openings.csv", example)
    (result,) = load_files([example], settings=lake)
    assert result.feed == "digital_centre_openings"
    assert (result.count_loaded, result.count_quarantined) == (3, 1)
    assert result.by_reason == {"unknown_digital_centre": 1}
    con = connect_reader(lake)
    try:
        rows = con.execute(
            "select digital_centre_id, cast(opened_on as varchar) from fct_digital_centre_opening "
            "where source = 'digital_centre_openings.csv' order by 1"
        ).fetchall()
    finally:
        con.close()
    # A Buddhist-era date (01/02/2569) is 1 February 2026.
    assert rows == [("DC0001", "2025-06-15"), ("DC0002", "2025-11-03"), ("DC0003", "2026-02-01")]


def test_a_load_refreshes_the_seller_month_mart_as_a_full_recompute_would(
    demo_settings, tmp_path, monkeypatch
):
    lake = lake_copy(demo_settings, tmp_path / "lake", monkeypatch)
    files = sorted((demo_settings.inbox_dir / "demo").glob("orders_*"))
    files += sorted((demo_settings.inbox_dir / "demo").glob("payouts*"))
    assert files
    copied = []
    for f in files:
        shutil.copyfile(f, tmp_path / f.name)
        copied.append(tmp_path / f.name)
    results = load_files(copied, settings=lake)
    assert sum(r.count_loaded for r in results) > 0
    con = connect_reader(lake)
    try:
        full = impact_marts.compute(con, None).sort("seller_id", "month")
        kept = con.execute("select * from mart_impact_seller_month").pl()
    finally:
        con.close()
    assert kept.sort("seller_id", "month").equals(full)


@pytest.mark.slow
def test_the_small_demo_recovers_the_planted_effect_and_tells_it_from_zero(tmp_path_factory):
    """The issue's test on the small demo (1,500 sellers): built once here, ~1 min."""
    d = tmp_path_factory.mktemp("centres_small") / "data"
    subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "demo", "--scale", "small"],
        env={**os.environ, "POSTMART_DATA_DIR": str(d)},
        check=True,
        capture_output=True,
    )
    settings = load_settings({"POSTMART_DATA_DIR": str(d)})
    planted = _manifest(settings)["effect_thb_per_seller_month"]
    est = centres.centre_effect(CLI, settings=settings)
    assert est.low <= planted <= est.high
    assert est.low > 0  # the effect is told from zero
    assert est.leads_ok and est.pretrend_p is not None and est.pretrend_p > 0.05
