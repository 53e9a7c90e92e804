"""Loads asked for on the Data loads page as jobs in the ops DB (on SQLite and
PostgreSQL): run once by whichever worker claims them, progress and result readable by any
replica, a job whose worker died shown as such, admins only."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import update

from dashboard.admin import audit_log, loads
from dashboard.errors import PermissionDenied
from dashboard.identity.user import User
from dashboard.production import load_jobs
from tests.services.test_loads import BRANCHES_CSV
from warehouse import ops
from warehouse.lake import connect_writer
from warehouse.ops_schema_production import load_job
from warehouse.settings import Settings

# Every test on SQLite; the claim (a conditional update two workers race for) on
# PostgreSQL too, the rest of PostgreSQL in make test-all.
BOTH = pytest.mark.parametrize(
    "ops_settings",
    ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
    indirect=True,
)
BOTH_SLOW = pytest.mark.parametrize(
    "ops_settings",
    ["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.slow])],
    indirect=True,
)


@pytest.fixture
def lake_and_file(ops_settings: Settings, admin: User):
    with connect_writer(ops_settings):
        pass  # an empty lake with its schema
    return loads.save_upload(admin, "branches.csv", BRANCHES_CSV)


@BOTH
def test_a_job_runs_once_and_every_replica_reads_its_result(
    ops_settings: Settings, admin: User, lake_and_file
) -> None:
    job_id = load_jobs.submit(admin, [lake_and_file], session_id="tab-1")
    assert load_jobs.job(admin, job_id).status == load_jobs.QUEUED
    # Two workers (two replicas) look at once: one runs it, the other finds nothing.
    ran: list[str | None] = []
    workers = [
        threading.Thread(target=lambda n=n: ran.append(load_jobs.run_next(worker=f"w{n}")))
        for n in range(2)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(ran, key=str) == sorted([job_id, None], key=str)
    ops.dispose_all()  # as another process would: nothing cached
    done = load_jobs.job(admin, job_id)
    assert done.status == load_jobs.DONE and done.progress == 1.0
    assert done.file_names == ("branches.csv",)
    [result] = done.results
    assert (result.status, result.count_loaded) == ("loaded", 1)
    assert [j.job_id for j in load_jobs.recent(admin)] == [job_id]
    assert audit_log.browse(admin, action="data.load_requested").height == 1
    assert audit_log.browse(admin, action="data.load").height == 1


@BOTH_SLOW
def test_a_job_whose_worker_died_is_shown_failed(
    ops_settings: Settings, admin: User, lake_and_file
) -> None:
    job_id = load_jobs.submit(admin, [lake_and_file])
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=load_jobs.STALE_AFTER_S + 5)
    with ops.write(ops.engine(ops_settings)) as conn:
        conn.execute(
            update(load_job)
            .where(load_job.c.job_id == job_id)
            .values(status="running", worker="gone", started_at=long_ago, heartbeat_at=long_ago)
        )
    shown = load_jobs.job(admin, job_id)
    assert (shown.status, shown.error_key) == (load_jobs.FAILED, "production.worker_lost")
    assert load_jobs.run_next() is None  # not queued: nobody runs it again by itself


@BOTH_SLOW
def test_the_process_worker_runs_what_is_queued(
    ops_settings: Settings, admin: User, lake_and_file
) -> None:
    first = load_jobs.submit(admin, [lake_and_file])
    second = load_jobs.submit(admin, [lake_and_file])
    load_jobs.ensure_worker(ops_settings).join(timeout=60)
    statuses = [load_jobs.job(admin, j) for j in (first, second)]
    assert [s.status for s in statuses] == [load_jobs.DONE, load_jobs.DONE]
    # The same file twice: the ledger loads it once.
    assert [s.results[0].status for s in statuses] == ["loaded", "already_loaded"]


@BOTH_SLOW
def test_a_failed_load_is_recorded_on_its_job(
    ops_settings: Settings, admin: User, lake_and_file, monkeypatch: pytest.MonkeyPatch
) -> None:
    job_id = load_jobs.submit(admin, [lake_and_file])
    monkeypatch.setenv("POSTMART_WRITER_LOCK_TIMEOUT_S", "0.2")
    with connect_writer(ops_settings, timeout_s=0):  # another writer holds the lake
        assert load_jobs.run_next() == job_id
    failed = load_jobs.job(admin, job_id)
    assert (failed.status, failed.error_key) == (load_jobs.FAILED, "loads.lake_busy")


@BOTH_SLOW
def test_only_admins_ask_for_loads(
    ops_settings: Settings, admin: User, users: dict[str, User], lake_and_file
) -> None:
    officer = users["pn_a"]
    with pytest.raises(PermissionDenied):
        load_jobs.submit(officer, [lake_and_file])
    with pytest.raises(PermissionDenied):
        load_jobs.recent(officer)
