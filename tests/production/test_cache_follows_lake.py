"""Caches in a replica follow the lake: a load committed by another process (another
replica, another machine) shows in a cached lake figure within the stated check interval
(``POSTMART_LAKE_SNAPSHOT_CHECK_S``), on both catalogs. Two processes: this test loads,
a "replica" process serves the cached figure."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from etl.load import load_files
from tests.services.test_loads import BRANCHES_CSV
from warehouse.lake import connect_writer
from warehouse.settings import Settings

CHECK_S = 1.0
REPLICA = """
import sys
from dashboard.ui import lake

@lake.lake_cache
def branches() -> int:
    return lake.reader().cursor().execute("select count(*) from lake.dim_branch").fetchone()[0]

for _ in sys.stdin:
    print(branches(), flush=True)
"""


class Replica:
    def __init__(self, settings: Settings) -> None:
        env = {
            **os.environ,
            "POSTMART_DATA_DIR": str(settings.data_dir),
            "POSTMART_LAKE_CATALOG": settings.lake_catalog,
            "POSTMART_LAKE_SNAPSHOT_CHECK_S": str(CHECK_S),
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-c", REPLICA],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )

    def figure(self) -> int:
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


# The PostgreSQL run is in make test-all (slow): the same code path, a slower catalog.
@pytest.mark.parametrize(
    "catalog",
    ["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.slow])],
    indirect=True,
)
def test_another_process_load_shows_within_the_check_interval(
    empty_lake: Settings, tmp_path: Path
) -> None:
    with connect_writer(empty_lake):
        pass
    replica = Replica(empty_lake)
    try:
        assert replica.figure() == 0
        assert replica.figure() == 0  # cached
        feed = tmp_path / "branches.csv"
        feed.write_bytes(BRANCHES_CSV)
        [result] = load_files([feed], settings=empty_lake, loaded_by="test")
        assert result.status == "loaded"
        loaded_at = time.monotonic()
        time.sleep(CHECK_S + 0.2)
        assert replica.figure() == 1
        assert time.monotonic() - loaded_at < CHECK_S + 30  # no ttl of minutes was waited
    finally:
        replica.close()
