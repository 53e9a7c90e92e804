"""Lake faults on a private PostgreSQL cluster (its own port, started and restarted by
these tests; never the shared server): PostgreSQL restarted during a load — the load
fails with one clear line, nothing of it is in the lake, the rerun loads it exactly once;
two loads started at once by two processes sharing the data dir — one writes, the other
waits (or, told not to wait, says who is writing)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from etl.load import PAUSE_BEFORE_COMMIT_ENV
from tests.faults.helpers import ROOT, PrivatePg
from warehouse.lake import connect_reader, connect_writer
from warehouse.settings import Settings, load_settings

pytestmark = pytest.mark.faults

HEADER = "branch_code,name_th,name_en,branch_type,subdistrict_code,postal_code,lat,lon,is_active\n"


def branches_csv(path: Path, rows: int, prefix: str = "B") -> Path:
    lines = [
        f"{prefix}{n:07d},ไปรษณีย์ {n},PO {n},post_office,100101,10200,13.7,100.5,true\n"
        for n in range(rows)
    ]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def pg_lake(pg: PrivatePg, tmp_path: Path) -> Iterator[tuple[Settings, dict[str, str]]]:
    name = f"lake_{os.getpid()}_{time.monotonic_ns() % 10**9}"
    pg.createdb(name)
    data = tmp_path / "data"
    data.mkdir()
    env = {
        **os.environ,
        "POSTMART_DATA_DIR": str(data),
        "POSTMART_LAKE_CATALOG": "postgres:" + pg.conninfo(name),
    }
    for var in ("OPS_DB_URL", "LAKE_DATA_PATH", "INBOX_DIR"):
        env.pop(f"POSTMART_{var}", None)
    settings = load_settings(env)
    with connect_writer(settings):
        pass
    yield settings, env


def postmart(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def count(settings: Settings, sql: str) -> int:
    con = connect_reader(settings)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def writer_seen(pg: PrivatePg, settings: Settings, pid: int) -> bool:
    """Whether process ``pid`` holds the PostgreSQL writer lock's connection."""
    conninfo = settings.lake_catalog.removeprefix("postgres:")
    try:
        with psycopg.connect(conninfo, connect_timeout=2) as c:
            row = c.execute(
                "select count(*) from pg_stat_activity where application_name like %s",
                [f"postmart lake writer: process {pid} %"],
            ).fetchone()
            return row[0] > 0
    except psycopg.Error:
        return False


def test_postgres_restarted_during_a_load(pg: PrivatePg, pg_lake, tmp_path: Path) -> None:
    settings, env = pg_lake
    feed = branches_csv(tmp_path / "branches.csv", 150_000)
    # The load holds its transaction open before committing, so the restart below always
    # lands inside it (on a quiet machine the whole load took less than the second below).
    load = postmart({**env, PAUSE_BEFORE_COMMIT_ENV: "10"}, "etl", "load", str(feed))
    deadline = time.monotonic() + 120
    while not writer_seen(pg, settings, load.pid):
        assert load.poll() is None, load.communicate()
        assert time.monotonic() < deadline, "the load never took the writer lock"
        time.sleep(0.05)
    time.sleep(1.0)  # into the load (attach, migrations or the file itself)
    pg.restart()
    out, err = load.communicate(timeout=300)
    assert load.returncode == 1, (out, err)
    assert "Traceback" not in out + err, err
    # One clear line: the lake was unreachable before the file (stderr), or the file
    # failed (its line of the summary).
    assert err.strip().startswith("postmart: ") or "FAILED  branches.csv:" in out, (out, err)
    # Nothing partial: no branch and no ledger entry of it.
    assert count(settings, "select count(*) from dim_branch") == 0
    assert count(settings, "select count(*) from etl_load") == 0

    rerun = postmart(env, "etl", "load", str(feed))
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, (out, err)
    assert count(settings, "select count(*) from dim_branch") == 150_000
    again = postmart(env, "etl", "load", str(feed))
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, (out, err)
    assert count(settings, "select count(*) from dim_branch") == 150_000  # exactly once
    assert count(settings, "select count(*) from etl_load") == 1


@pytest.mark.parametrize("catalog", ["sqlite", "postgres"])
def test_two_loads_at_once_one_writes_the_other_waits(
    catalog: str, pg: PrivatePg, pg_lake, tmp_path: Path
) -> None:
    settings, env = pg_lake
    if catalog == "sqlite":
        env = {k: v for k, v in env.items() if k != "POSTMART_LAKE_CATALOG"}
        settings = load_settings(env)
        with connect_writer(settings):
            pass
    first = branches_csv(tmp_path / "branches-a.csv", 100_000, "A")
    second = branches_csv(tmp_path / "branches-b.csv", 1_000, "B")
    one = postmart(env, "etl", "load", str(first))
    deadline = time.monotonic() + 120
    lock_seen = (
        (lambda: writer_seen(pg, settings, one.pid))
        if catalog == "postgres"
        else (lambda: (settings.lake_dir / "writer.lock").read_text() == f"process {one.pid}")
    )
    while not lock_seen():
        assert one.poll() is None, one.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    # Told not to wait, the second says who is writing ...
    impatient = postmart({**env, "POSTMART_WRITER_LOCK_TIMEOUT_S": "0"}, "etl", "load", str(second))
    _, err = impatient.communicate(timeout=120)
    if one.poll() is None:  # (the first may have finished in the meantime on a fast machine)
        assert impatient.returncode == 1
        assert f"being written by process {one.pid}" in err
    # ... and allowed to wait, it waits and loads after the first.
    patient = postmart({**env, "POSTMART_WRITER_LOCK_TIMEOUT_S": "300"}, "etl", "load", str(second))
    assert one.wait(timeout=300) == 0, one.communicate()
    out, err = patient.communicate(timeout=300)
    assert patient.returncode == 0, (out, err)
    assert count(settings, "select count(*) from dim_branch") == 101_000
