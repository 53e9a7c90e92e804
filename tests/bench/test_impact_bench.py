"""Programme impact at scale: the impact page's data work (``figures.impact_view``, uncached)
for the whole country and for one province, on the lake now and as of an older snapshot;
the XLSX and the PDF of a national briefing. ``make bench`` prints a table.

The lake and ops DB are those of ``POSTMART_BENCH_DATA_DIR`` (a ``postmart demo`` folder:
``--scale large`` for the issue's targets); the ops DB is copied first and the lake is only
read. Without it, the small demo is built once in a temporary folder.

Targets (issue 11): data work <= 300 ms warm; national XLSX <= 5 s, PDF <= 15 s. Reported,
not asserted.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.identity import authz
from dashboard.impact import briefing_pdf, briefing_xlsx, briefings, figures, snapshots
from warehouse import ops
from warehouse.lake import connect_reader
from warehouse.settings import Settings, load_settings

pytestmark = pytest.mark.bench

WARM_RUNS = 5
PROVINCE = "82"  # Phang Nga


@pytest.fixture(scope="module")
def bench_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    given = os.environ.get("POSTMART_BENCH_DATA_DIR")
    work = tmp_path_factory.mktemp("impact_bench")
    if given:
        source = Path(given)
    else:
        source = work / "demo"
        subprocess.run(
            [sys.executable, "-m", "dashboard.cli", "demo", "--scale", "small"],
            env={**os.environ, "POSTMART_DATA_DIR": str(source)},
            check=True,
        )
    shutil.copyfile(source / "ops.sqlite", work / "ops.sqlite")
    settings = load_settings(
        {
            "POSTMART_DATA_DIR": str(work),
            "POSTMART_OPS_DB_URL": f"sqlite:///{work / 'ops.sqlite'}",
            "POSTMART_LAKE_CATALOG": f"sqlite:{source / 'lake' / 'catalog.sqlite'}",
            "POSTMART_LAKE_DATA_PATH": f"{source / 'lake' / 'files'}/",
        }
    )
    ops.migrate(ops.engine(settings))  # a demo folder made before the briefings' tables
    yield settings
    ops.dispose_all()


def _times(call, runs: int = WARM_RUNS) -> tuple[float, float, float]:
    started = time.perf_counter()
    call()
    cold = time.perf_counter() - started
    warm = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        warm.append(time.perf_counter() - started)
    return cold, statistics.median(warm), max(warm)


def test_impact_timings(bench_settings: Settings) -> None:
    s = bench_settings
    now = connect_reader(s)
    snaps = snapshots.snapshots(now)
    older = snaps[len(snaps) // 2].snapshot_id
    past = connect_reader(s, snapshot_version=older)
    rows = []
    for label, con in (("now", now), (f"as of #{older}", past)):
        for scope, kw in (("national", {}), (f"province {PROVINCE}", {"province": PROVINCE})):
            cold, p50, worst = _times(
                lambda con=con, kw=kw: figures.impact_view(
                    authz.CLI_ACTOR, "this_fiscal_year", con=con, settings=s, **kw
                )
            )
            rows.append((f"page data: {scope}, {label}", cold, p50, worst, 0.3))
    made = briefings.create(
        authz.CLI_ACTOR, "National bench briefing", "this_fiscal_year", settings=s
    )
    view = briefings.view_of(authz.CLI_ACTOR, made, con=now, settings=s)
    snap = briefings.snapshot_of(made, now)
    cold, p50, worst = _times(lambda: briefing_xlsx.workbook(made, view, snap), runs=2)
    rows.append(("national briefing XLSX", cold, p50, worst, 5.0))
    cold, p50, worst = _times(lambda: briefing_pdf.document(made, view, snap), runs=2)
    rows.append(("national briefing PDF", cold, p50, worst, 15.0))
    now.close()
    past.close()
    print(f"\n\nProgramme impact timings (seconds; lake {s.lake_catalog})")
    print(f"{'item':<44} {'cold':>7} {'warm p50':>9} {'warm max':>9}  target")
    for item, cold, p50, worst, target in rows:
        flag = "" if p50 <= target else f"  > {target:g} s"
        print(f"{item:<44} {cold:7.3f} {p50:9.3f} {worst:9.3f}  {target:g}{flag}")
