"""Logistics at scale: one day's 100k-event tracking batch through the loader (shipment
state updated in the same load), each logistics page's data work warm for a postal region
and for the country, and the national branch-performance figures computed the usual
Streamlit-dashboard way (pandas, the needed columns read into memory) against ours (SQL in
DuckDB), time and peak memory each measured in a fresh process, in the same run.

The lake is ``POSTMART_LOGISTICS_BENCH_DATA_DIR`` (e.g. ``/work/large-logistics/data``
made by ``postmart demo --scale medium|large``), else ``POSTMART_BENCH_DATA_DIR``, else a
small demo built here; it is copied first, so the batch never writes to the folder given.
Targets (issue 10): batch <= 15 s, page data <= 500 ms warm, ours >= 10x faster at <= 1/5
of the memory. Reported (``make bench`` prints them), not asserted.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dashboard.identity.user import CLI_ACTOR
from dashboard.logistics import cold_chain, national, network_map, performance, scorecards
from warehouse.lake import OVERRIDE_DATA_PATH_ENV, connect_reader, connect_writer
from warehouse.settings import Settings, load_settings

pytestmark = pytest.mark.bench

BATCH_EVENTS = 100_000
WARM_RUNS = 5
REGION = "PR06"


@pytest.fixture(scope="module")
def bench_lake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    given = os.environ.get("POSTMART_LOGISTICS_BENCH_DATA_DIR") or os.environ.get(
        "POSTMART_BENCH_DATA_DIR"
    )
    work = tmp_path_factory.mktemp("lg_bench") / "data"
    if given:
        shutil.copytree(
            Path(given) / "lake", work / "lake", ignore=shutil.ignore_patterns("writer.lock")
        )
    else:
        subprocess.run(
            [sys.executable, "-m", "dashboard.cli", "demo", "--scale", "small"],
            env={**os.environ, "POSTMART_DATA_DIR": str(work)},
            check=True,
        )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POSTMART_DATA_DIR", str(work))
        mp.setenv(OVERRIDE_DATA_PATH_ENV, "1")
        for name in ("POSTMART_LAKE_CATALOG", "POSTMART_LAKE_DATA_PATH", "POSTMART_OPS_DB_URL"):
            mp.delenv(name, raising=False)
        settings = load_settings()
        # A lake made before the timing marts gets them here (migration 0023's backfill),
        # once, outside every timing below.
        started = time.perf_counter()
        with connect_writer(settings) as con:
            n = con.execute("select count(*) from mart_shipment_timing").fetchone()[0]
        print(
            f"\nlake ready (migrations applied) in {time.perf_counter() - started:.1f} s: "
            f"{n:,} shipments in mart_shipment_timing"
        )
        yield settings


def _batch(settings: Settings, out: Path) -> tuple[Path, int]:
    """A day's batch as the webhook sends it: out-for-delivery and delivered scans for the
    undelivered shipments, one event in ten a repeat of one already in the lake."""
    con = connect_reader(settings)
    try:
        rows = con.execute(
            """
            select tracking_no, last_event_at, dest_branch_code
            from fct_shipment
            where delivered_at is null and accepted_at is not null
            order by last_event_at desc
            limit ?
            """,
            [BATCH_EVENTS // 2],
        ).fetchall()
        repeats = con.execute(
            "select tracking_no, status_code, event_at, location from fct_tracking_event "
            "using sample 10000 rows"
        ).fetchall()
    finally:
        con.close()
    path = out / "tracking_batch.jsonl"
    n = 0
    with path.open("w", encoding="utf-8") as fh:

        def write(barcode: str, status: str, at, location: str | None, branch=None) -> None:
            nonlocal n
            rec = {
                "barcode": barcode,
                "status": status,
                "status_date": at.strftime("%Y-%m-%dT%H:%M:%S+07:00"),
                "location": location,
                "branch_code": branch,
            }
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1

        import datetime as dt

        for tracking, last, branch in rows:
            base = (last or dt.datetime(2026, 1, 1)) + dt.timedelta(hours=12)
            write(tracking, "301", base, "นำจ่าย", branch)
            write(tracking, "501", base + dt.timedelta(hours=3), "นำจ่าย", branch)
            if n >= BATCH_EVENTS - len(repeats):
                break
        for tracking, code, at, location in repeats:
            write(tracking, code, at, location)
    return path, n


def test_a_days_tracking_batch(bench_lake: Settings, tmp_path: Path) -> None:
    from etl.load import load_files

    path, n = _batch(bench_lake, tmp_path)
    started = time.perf_counter()
    [result] = load_files([path], settings=bench_lake)
    seconds = time.perf_counter() - started
    assert result.status == "loaded", result.message
    print(
        f"\nlogistics batch: {n:,} events ({result.count_loaded:,} loaded) with shipment state "
        f"in {seconds:.1f} s (target 15 s)"
    )


def _timed(fn: Callable[[], object]) -> float:
    fn()  # cold
    runs = []
    for _ in range(WARM_RUNS):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs) * 1000


def _one_branch(con, f: performance.Filters) -> performance.Filters:
    """The busiest branch of the filter's region (of the country without one)."""
    row = con.execute(
        "select origin_branch_code from mart_shipment_timing t "
        "join dim_branch b on b.branch_code = t.origin_branch_code "
        "where ? is null or b.postal_region_code = ? "
        "group by 1 order by count(*) desc limit 1",
        [f.region, f.region],
    ).fetchone()
    return performance.Filters(f.start, f.end, f.service, None, row[0])


def _as_page(fn: Callable[[performance.Filters], object], f: performance.Filters) -> object:
    """One page run's data work: the scope and "now" resolved once, as the pages do."""
    with performance.one_view():
        return fn(f)


def test_page_data_timings(bench_lake: Settings) -> None:
    con = connect_reader(bench_lake)
    cards = {r: _one_branch(con, performance.Filters(region=r)) for r in (REGION, None)}
    pages: dict[str, Callable[[performance.Filters], object]] = {
        "deliveries": lambda f: performance.deliveries(CLI_ACTOR, f, con=con, settings=bench_lake),
        "branch_performance": lambda f: (
            scorecards.scorecards(CLI_ACTOR, f, con=con, settings=bench_lake),
            performance.summary(CLI_ACTOR, f, con=con),
        ),
        "delivery_map (branches)": lambda f: network_map.map_view(
            CLI_ACTOR, "branches", f, con=con, settings=bench_lake
        ),
        "delivery_map (flows)": lambda f: network_map.map_view(
            CLI_ACTOR, "flows", f, con=con, settings=bench_lake
        ),
        "delivery_map (density)": lambda f: network_map.map_view(
            CLI_ACTOR, "density", f, con=con, settings=bench_lake
        ),
        "delivery_map (provinces)": lambda f: network_map.map_view(
            CLI_ACTOR, "provinces", f, con=con, settings=bench_lake
        ),
        "branch card (weekly, late list)": lambda f: (
            scorecards.weekly(CLI_ACTOR, cards[f.region], con=con),
            scorecards.late_list(CLI_ACTOR, cards[f.region], con=con),
        ),
        "cold_chain": lambda f: cold_chain.cold_chain(CLI_ACTOR, f, con=con, settings=bench_lake),
        "delivery_summary": lambda f: national.national_summary(
            CLI_ACTOR, f, con=con, settings=bench_lake
        ),
    }
    try:
        print("\nlogistics page data work, warm median of 5 (target 500 ms):")
        print(f"  {'page':<28}{'region ' + REGION:>14}{'national':>12}")
        for name, fn in pages.items():
            region = _timed(lambda fn=fn: _as_page(fn, performance.Filters(region=REGION)))
            whole = _timed(lambda fn=fn: _as_page(fn, performance.Filters()))
            print(f"  {name:<28}{region:>11.0f} ms{whole:>9.0f} ms")
    finally:
        con.close()


# Each side prints: cold seconds (first call in a fresh process), warm median seconds,
# peak RSS growth over the process's RSS after its imports and lake connection (kB,
# /proc/self/status VmHWM - VmRSS), the process's peak RSS (VmHWM, kB), branches, and a
# checksum of the figures (both must agree).
_OURS = """
import statistics, time
def kb(field):
    # This process's own figures: ru_maxrss would keep the forking pytest's peak.
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith(field + ":"))
import pandas  # noqa: F401 — DuckDB's client imports it on its first bound query (0.4 s);
# the app has it loaded already (Streamlit imports it), and the pandas side imports it too
from dashboard.identity.user import CLI_ACTOR
from dashboard.logistics import scorecards
from warehouse.lake import connect_reader
from warehouse.settings import load_settings
s = load_settings()
con = connect_reader(s)
con.execute("set enable_progress_bar = false")  # its bar shares stdout with the figures
base = kb("VmRSS")
t = time.perf_counter()
df = scorecards.scorecards(CLI_ACTOR, con=con, settings=s)
cold = time.perf_counter() - t
warm = []
for _ in range(5):
    t = time.perf_counter()
    df = scorecards.scorecards(CLI_ACTOR, con=con, settings=s)
    warm.append(time.perf_counter() - t)
peak = kb("VmHWM")
# the lake's fixed cost of one query (the catalog's metadata read): a five-thousand-row
# table; a national call of ours makes two ("now", the scorecards), a region's three
floor = []
for _ in range(5):
    t = time.perf_counter()
    con.execute("select count(*) from dim_branch").fetchall()
    floor.append(time.perf_counter() - t)
# the least any lake read of these figures does: the 30 days' shipments counted per branch
# (one query, no working days, no "now", no ranks)
end = con.execute("select max(as_of) from mart_logistics_now").fetchone()[0]
scan = []
for _ in range(5):
    t = time.perf_counter()
    con.execute(
        "select origin_branch_code, count(*), count(delivered_at) from mart_shipment_timing "
        "where accepted_at >= ? - interval 30 day and accepted_at < ? group by 1",
        [end, end],
    ).fetchall()
    scan.append(time.perf_counter() - t)
check = (df["count_accepted"].sum(), df["count_on_time"].sum(), df["count_due"].sum())
print(
    cold, statistics.median(warm), peak - base, peak, statistics.median(floor),
    statistics.median(scan), df.height, *check,
)
"""

# The usual Streamlit dashboard: read the needed columns into pandas (what
# @st.cache_data would keep), then filter, merge and group in memory. Its warm figure is
# the compute alone on the cached frames.
_PANDAS = """
import statistics, time
def kb(field):
    # This process's own figures: ru_maxrss would keep the forking pytest's peak.
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith(field + ":"))
import pandas as pd
from warehouse.lake import connect_reader
from warehouse.settings import load_settings
s = load_settings()
con = connect_reader(s)
con.execute("set enable_progress_bar = false")  # its bar shares stdout with the figures
base = kb("VmRSS")


def load():
    ship = con.execute(
        "select origin_branch_code, accepted_at, delivered_at, standard_days, last_event_at "
        "from fct_shipment"
    ).df()
    days = con.execute("select date_day, wd_index from mart_working_day").df()
    branches = con.execute("select branch_code, postal_region_code from dim_branch").df()
    return ship, days, branches


def compute(ship, days, branches):
    as_of = ship["last_event_at"].max()
    end = as_of.normalize() + pd.Timedelta(days=1)
    ship = ship[(ship["accepted_at"] >= end - pd.Timedelta(days=30)) & (ship["accepted_at"] < end)]
    days = days.assign(date_day=pd.to_datetime(days["date_day"]))
    ship = ship.assign(a=ship["accepted_at"].dt.normalize(), d=ship["delivered_at"].dt.normalize())
    ship = ship.merge(days.rename(columns={"date_day": "a", "wd_index": "awd"}), on="a", how="left")
    ship = ship.merge(days.rename(columns={"date_day": "d", "wd_index": "dwd"}), on="d", how="left")
    now_wd = days.loc[days["date_day"] == as_of.normalize(), "wd_index"].iloc[0]
    k = ship["dwd"] - ship["awd"]
    ship["on_time"] = ship["delivered_at"].notna() & (k <= ship["standard_days"])
    ship["due"] = ship["delivered_at"].notna() | (now_wd - ship["awd"] > ship["standard_days"])
    g = ship.groupby("origin_branch_code").agg(
        count_accepted=("on_time", "size"),
        count_on_time=("on_time", "sum"),
        count_due=("due", "sum"),
    ).reset_index()
    g["on_time_rate"] = (100 * g["count_on_time"] / g["count_due"]).round(2)
    g = g.merge(branches, left_on="origin_branch_code", right_on="branch_code")
    g["rank_in_region"] = g.groupby("postal_region_code")["on_time_rate"].rank(ascending=False)
    return g


t = time.perf_counter()
frames = load()
g = compute(*frames)
cold = time.perf_counter() - t
warm = []
for _ in range(5):
    t = time.perf_counter()
    g = compute(*frames)
    warm.append(time.perf_counter() - t)
peak = kb("VmHWM")
check = (g["count_accepted"].sum(), g["count_on_time"].sum(), g["count_due"].sum())
print(cold, statistics.median(warm), peak - base, peak, 0.0, 0.0, len(g), *check)
"""


def _run(code: str) -> list[float]:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    # The last line: DuckDB may draw its progress bar on stdout before it.
    return [float(x) for x in out[-1].split()]


def test_ours_against_a_pandas_dashboard(bench_lake: Settings) -> None:
    ours = _run(_OURS)
    pandas = _run(_PANDAS)
    print(
        "\nnational branch performance, 30 days, each side in a fresh process (cold: first "
        "call; warm: median of 5 more; memory: peak RSS growth after imports and the lake "
        "connection, and the process's peak RSS):"
    )
    for name, (cold, warm, grew, peak, _floor, _scan, rows, *_check) in (
        ("ours", ours),
        ("pandas", pandas),
    ):
        print(
            f"  {name:<7}cold {cold * 1000:>7.0f} ms  warm {warm * 1000:>7.0f} ms  "
            f"+{grew / 1024:>7.1f} MB  peak {peak / 1024:>7.1f} MB  {int(rows):,} branches"
        )
    print(
        f"  speed-up cold {pandas[0] / ours[0]:.1f}x, warm {pandas[1] / ours[1]:.1f}x; memory "
        f"growth {ours[2] / max(pandas[2], 1):.2f}, peak {ours[3] / pandas[3]:.2f} of pandas' "
        "(targets >= 10x, <= 0.2)"
    )
    print(
        f"  one lake query's fixed cost (catalog metadata, a 5,000-row table): "
        f"{ours[4] * 1000:.1f} ms; ours makes two per national call; pandas' warm / 10 = "
        f"{pandas[1] * 100:.1f} ms"
    )
    print(
        f"  the least a lake read of these figures takes (the 30 days' shipments counted per "
        f"branch, one bare query): {ours[5] * 1000:.1f} ms; warm 10x would need "
        f"{pandas[1] * 100:.1f} ms"
    )
    assert ours[6:] == pandas[6:], f"the figures differ: ours {ours[6:]}, pandas {pandas[6:]}"
