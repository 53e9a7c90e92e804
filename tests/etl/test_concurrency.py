"""A killed load leaves nothing; readers see old then new, never an error; one writer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from etl.load import PAUSE_BEFORE_COMMIT_ENV, ledger, load_files
from tests.etl.helpers import count
from tests.lake_catalogs import both_catalogs, catalog_env
from warehouse.lake import LakeBusy, writer_lock
from warehouse.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]


def _orders_file(frames: dict, path: Path) -> Path:
    frames["fct_order"].write_parquet(path)
    return path


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    """The child's environment: this test's lake (data dir, catalog, data path) spelled out."""
    env = dict(os.environ, **catalog_env(settings), PYTHONPATH=str(ROOT))
    env.update(extra)
    return env


def _wait_for(predicate, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


@both_catalogs
def test_sigkill_mid_load_leaves_nothing_and_rerun_loads_once(
    lake: Settings, frames: dict, tmp_path: Path
):
    path = _orders_file(frames, tmp_path / "orders_kill.parquet")
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", "etl", "load", str(path)],
        env=_env(lake, **{PAUSE_BEFORE_COMMIT_ENV: "60"}),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # The insert has run once its Parquet file exists; the load is then waiting to commit.
    orders_dir = Path(lake.lake_data_path) / "main" / "fct_order"
    _wait_for(lambda: orders_dir.exists() and any(orders_dir.rglob("*.parquet")))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert count(lake, "fct_order") == 0
    assert ledger(lake).is_empty()

    [r] = load_files([path], settings=lake)
    assert r.status == "loaded" and r.count_loaded == frames["fct_order"].height
    [again] = load_files([path], settings=lake)
    assert again.status == "already_loaded"
    assert count(lake, "fct_order") == frames["fct_order"].height


# Queries until the stop file appears (the test makes it once the load has returned), then
# once more, so its last count was read after the commit; gives up after argv[2] seconds.
READER = textwrap.dedent(
    """
    import os, sys, time
    from warehouse.query import fetch_one
    from warehouse.lake import connect_reader
    con = connect_reader()
    print("ready", flush=True)
    stop, deadline = sys.argv[1], time.monotonic() + float(sys.argv[2])
    seen, errors = [], 0
    while time.monotonic() < deadline:
        last = os.path.exists(stop)
        try:
            n = fetch_one(con, "select count(*) from fct_order")[0]
            if not seen or seen[-1] != n:
                seen.append(n)
        except Exception as exc:
            errors += 1
            print("error", exc, flush=True)
        if last:
            break
        time.sleep(0.02)
    else:
        print("error gave up waiting for the stop file", flush=True)
        errors += 1
    print("seen", *seen, flush=True)
    print("errors", errors, flush=True)
    """
)


@both_catalogs
def test_reader_in_another_process_sees_old_then_new_without_error(
    lake: Settings, frames: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = _orders_file(frames, tmp_path / "orders_live.parquet")
    stop = tmp_path / "reader.stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(stop), "60"],
        env=_env(lake),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "ready"
        monkeypatch.setenv(PAUSE_BEFORE_COMMIT_ENV, "1.5")  # the reader queries during the load
        [r] = load_files([path], settings=lake)
        assert r.status == "loaded"
    finally:
        stop.touch()
    out, _ = reader.communicate(timeout=60)
    lines = dict(line.split(" ", 1) for line in out.strip().splitlines())
    assert lines["errors"] == "0", out
    assert lines["seen"].split() == ["0", str(frames["fct_order"].height)]


@both_catalogs
def test_second_writer_gets_a_clear_busy_message(
    lake: Settings, frames: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = _orders_file(frames, tmp_path / "orders_busy.parquet")
    monkeypatch.setenv("POSTMART_WRITER_LOCK_TIMEOUT_S", "0.5")
    short = load_settings()
    with writer_lock(short):
        proc = subprocess.run(
            [sys.executable, "-m", "dashboard.cli", "etl", "load", str(path)],
            env=_env(lake, POSTMART_WRITER_LOCK_TIMEOUT_S="0.5"),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        with pytest.raises(LakeBusy, match="being written"):
            load_files([path], settings=short)
    assert proc.returncode == 1
    assert "being written" in proc.stderr and "waited 0.5 s" in proc.stderr
    assert count(lake, "fct_order") == 0
