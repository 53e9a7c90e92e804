"""One lake writer across machines: with a PostgreSQL catalog the writer lock is an
advisory lock, so a writer in another process (another machine) waits for it and then
fails with the same clear message as the file lock of a SQLite catalog."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from tests.lake_catalogs import both_catalogs
from warehouse.lake import LakeBusy, LakeError, writer_lock
from warehouse.settings import Settings, load_settings

HOLD = """
import sys, time
from warehouse.lake import writer_lock
from warehouse.settings import load_settings
with writer_lock(load_settings(), timeout_s=0):
    print("holding", flush=True)
    sys.stdin.readline()
"""


def hold_in_another_process(settings: Settings, env_catalog: str) -> subprocess.Popen:
    """Another process (as another machine would) holding the writer lock until its stdin
    closes."""
    env = {**os.environ, "POSTMART_DATA_DIR": str(settings.data_dir)}
    env["POSTMART_LAKE_CATALOG"] = env_catalog
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "holding"
    return proc


@both_catalogs
def test_second_writer_waits_then_fails_clearly(empty_lake: Settings) -> None:
    holder = hold_in_another_process(empty_lake, empty_lake.lake_catalog)
    try:
        started = time.monotonic()
        with pytest.raises(LakeBusy) as busy, writer_lock(empty_lake, timeout_s=0.6):
            pass
        assert time.monotonic() - started >= 0.6  # it waited
        message = str(busy.value)
        assert "The lake is being written by process" in message
        assert f"process {holder.pid}" in message
        assert "waited 0.6 s" in message
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    # Once the other writer is done, this one gets the lock.
    with writer_lock(empty_lake, timeout_s=5):
        pass


@both_catalogs
def test_waiting_writer_gets_the_lock_when_the_first_finishes(empty_lake: Settings) -> None:
    order: list[str] = []
    first_in = threading.Event()

    def first() -> None:
        with writer_lock(empty_lake, timeout_s=0):
            first_in.set()
            time.sleep(0.5)
            order.append("first done")

    t = threading.Thread(target=first)
    t.start()
    first_in.wait(5)
    with writer_lock(empty_lake, timeout_s=10):
        order.append("second in")
    t.join()
    assert order == ["first done", "second in"]


def test_unreachable_catalog_is_a_clear_error(tmp_path) -> None:
    settings = load_settings(
        {
            "POSTMART_DATA_DIR": str(tmp_path),
            "POSTMART_LAKE_CATALOG": "postgres:dbname=x host=127.0.0.1 port=1 user=postgres",
        }
    )
    with pytest.raises(LakeError, match="Cannot reach the lake catalog"):
        with writer_lock(settings, timeout_s=0):
            pass
