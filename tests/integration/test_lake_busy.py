"""Readers and a busy SQLite catalog: a lock held by another process's commit is waited out
briefly, then reported as LakeBusy; no other error is retried.

The lock is real: another process holds ``BEGIN EXCLUSIVE`` on the catalog file, as a
committing writer does for a moment. It must be another process: SQLite's locks are POSIX
locks, which a process never conflicts with itself on, so a sqlite3 connection in this
process would not stop DuckDB's SQLite here.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.lake_catalogs import catalog_env, copy_lake_files
from warehouse import lake as lake_mod
from warehouse import query
from warehouse.lake import (
    OVERRIDE_DATA_PATH_ENV,
    LakeBusy,
    connect_reader,
    connect_writer,
    is_catalog_busy,
)
from warehouse.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]

HOLDER = textwrap.dedent(
    """
    import sqlite3, sys
    con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=0)
    try:
        con.execute("begin exclusive")
    except sqlite3.OperationalError as exc:
        print("refused", exc, flush=True)
        sys.exit()
    print("locked", flush=True)
    sys.stdin.read()  # until the test closes our stdin
    con.execute("rollback")
    """
)


class Holder:
    def __init__(self, catalog_file: str, script: str = HOLDER) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", script, catalog_file],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.answer = self.proc.stdout.readline().strip()

    def release(self) -> None:
        """End the holder's transaction (idempotent)."""
        if not self.proc.stdin.closed:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)
        self.proc.stdout.close()


@contextlib.contextmanager
def catalog_locked(settings: Settings) -> Iterator[Holder]:
    """Another process holding the SQLite catalog's exclusive lock."""
    holder = Holder(settings.lake_catalog.removeprefix("sqlite:"))
    try:
        assert holder.answer == "locked", holder.answer
        yield holder
    finally:
        holder.release()


@pytest.fixture(scope="module")
def lake_template(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A small lake made once (making one runs every migration: seconds), copied per test."""
    template = load_settings({"POSTMART_DATA_DIR": str(tmp_path_factory.mktemp("busy") / "d")})
    with connect_writer(template) as con:
        con.execute("insert into dim_region select 'r' || i, 'th', 'en' from range(50) t(i)")
    return template


@pytest.fixture
def lake(settings: Settings, lake_template: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    copy_lake_files(lake_template, settings.data_dir)
    monkeypatch.setenv(OVERRIDE_DATA_PATH_ENV, "1")
    return load_settings()


@pytest.fixture
def short_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    # One attempt (SQLite waits 1 s inside it) and no more, to keep the busy tests short.
    monkeypatch.setattr(lake_mod, "READ_BUSY_RETRY_S", 0.5)


def test_a_lock_released_while_retrying_is_waited_out(
    lake: Settings, monkeypatch: pytest.MonkeyPatch
):
    con = connect_reader(lake)
    seen: list[str] = []
    try:
        with catalog_locked(lake) as holder:

            def busy_then_free(exc: BaseException) -> bool:
                # The first busy error releases the lock: the retry must then succeed.
                seen.append(str(exc))
                holder.release()
                return is_catalog_busy(exc)

            monkeypatch.setattr(lake_mod, "is_catalog_busy", busy_then_free)
            assert query.fetch_one(con, "select count(*) from dim_region") == (50,)
    finally:
        con.close()
    assert len(seen) == 1 and "database is locked" in seen[0]


@pytest.mark.usefixtures("short_retry")
def test_queries_under_a_held_lock_raise_lake_busy(lake: Settings):
    con = connect_reader(lake)
    try:
        with catalog_locked(lake):
            with pytest.raises(LakeBusy, match="busy.*Try again") as caught:
                query.fetch_df(con, "select count(*) from dim_region")
            assert "database is locked" in str(caught.value.__cause__)
            with pytest.raises(LakeBusy):
                query.fetch_one(con, "select count(*) from dim_region")
            with pytest.raises(LakeBusy):
                query.table_counts(con)
        # The same connection works again once the lock is gone.
        assert query.fetch_one(con, "select count(*) from dim_region") == (50,)
    finally:
        con.close()


@pytest.mark.usefixtures("short_retry")
def test_connect_reader_under_a_held_lock_raises_lake_busy(lake: Settings):
    with catalog_locked(lake):
        with pytest.raises(LakeBusy, match="busy"):
            connect_reader(lake)
    con = connect_reader(lake)
    con.close()


def test_other_errors_are_not_retried(lake: Settings, monkeypatch: pytest.MonkeyPatch):
    asked: list[BaseException] = []

    def spy(exc: BaseException) -> bool:
        asked.append(exc)
        return is_catalog_busy(exc)

    monkeypatch.setattr(lake_mod, "is_catalog_busy", spy)
    con = connect_reader(lake)
    try:
        with pytest.raises(duckdb.BinderException):
            query.fetch_one(con, "select no_such_column from dim_region")
    finally:
        con.close()
    assert len(asked) == 1  # asked once, answered "not busy", raised as it was
    assert not is_catalog_busy(duckdb.Error("Catalog Error: Table x does not exist"))
    assert not is_catalog_busy(OSError("database is locked"))  # not from DuckDB


def test_impact_snapshot_reads_leave_the_catalog_unlocked(lake: Settings):
    # Found by the load test: these read on the shared connection itself and left the
    # result open, so a replica held the catalog's read lock for good and every load's
    # commit gave up with "database is locked".
    from dashboard.impact import snapshots

    con = connect_reader(lake)
    try:
        snapshot = snapshots.current_snapshot(con)
        assert snapshots.require_snapshot(con, snapshot).snapshot_id == snapshot
        with catalog_locked(lake):
            pass
    finally:
        con.close()


def test_a_finished_read_leaves_the_catalog_unlocked(lake: Settings):
    # A half-read result keeps the catalog's read lock (and would hold up a writer's
    # commit); the helpers close their cursor, so after them another process can lock it.
    con = connect_reader(lake)
    try:
        query.fetch_one(con, "select count(*) from dim_region")
        query.fetch_df(con, "select * from dim_region")
        with catalog_locked(lake):
            pass
    finally:
        con.close()


# A long read: another process inside a read transaction on the catalog (SQLite's SHARED
# lock), as a replica's page is while it reads the lake.
READ_HOLDER = textwrap.dedent(
    """
    import sqlite3, sys
    con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=0)
    con.execute("begin")
    con.execute("select count(*) from ducklake_snapshot").fetchone()
    print("reading", flush=True)
    sys.stdin.read()  # until the test closes our stdin
    con.execute("rollback")
    """
)

# An officer browsing: connect and read again and again until stdin closes; one line per
# attempt, "data N", "busy" (LakeBusy, the kind message) or "error ..." (anything else).
BROWSER = textwrap.dedent(
    """
    import sys, threading
    from warehouse import query
    from warehouse.lake import LakeBusy, connect_reader
    done = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    while not done.is_set():
        try:
            con = connect_reader()
            try:
                print("data", query.fetch_one(con, "select count(*) from dim_region")[0],
                      flush=True)
            finally:
                con.close()
        except LakeBusy:
            print("busy", flush=True)
        except Exception as exc:
            print("error", type(exc).__name__, " ".join(str(exc).split()), flush=True)
    """
)


def test_a_commit_waits_out_a_long_read_while_new_readers_get_busy(lake: Settings):
    # The load test's failure (issue 13): a load's commit needs the catalog's exclusive lock
    # and failed with "database is locked" after DuckLake's default 5 s while replicas were
    # reading. Here a read lasts longer than that; the commit must wait it out, and a reader
    # arriving meanwhile gets data or LakeBusy, never another error.
    env = dict(os.environ, **catalog_env(lake), PYTHONPATH=str(ROOT))
    browser = subprocess.Popen(
        [sys.executable, "-c", BROWSER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    reader = None
    try:
        assert browser.stdout.readline().strip() == "data 50"
        reader = Holder(lake.lake_catalog.removeprefix("sqlite:"), READ_HOLDER)
        assert reader.answer == "reading", reader.answer
        with connect_writer(lake) as con:
            # The read lasts past DuckLake's default wait (5 s) counted from the commit.
            release = threading.Timer(7.0, reader.release)
            release.start()
            con.execute("insert into dim_region select 'n' || i, 'th', 'en' from range(5) t(i)")
        release.join()
    finally:
        if reader is not None:
            reader.release()
        browser.stdin.close()
        lines = browser.stdout.read().splitlines()
        browser.wait(timeout=60)
    errors = [line for line in lines if not (line == "busy" or line.startswith("data "))]
    assert errors == []
    con = connect_reader(lake)
    try:
        assert query.fetch_one(con, "select count(*) from dim_region") == (55,)
    finally:
        con.close()
