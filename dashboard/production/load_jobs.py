"""Loads asked for on the Data loads page, as jobs in the ops DB.

The page of any replica *submits* a job (a row of ``prod_load_job``); a worker *claims*
it (a conditional update queued → running, so one job runs once even when several
replicas' workers look at the same time), runs the ETL through ``admin.loads.run_loads``
(which takes the lake's writer lock: advisory in PostgreSQL, so one writer across
machines) and writes progress, a heartbeat and the result into the row. Every replica's
page reads the row, so a load started on one replica is seen running and finished from all.

The worker is one thread per process (``ensure_worker``), started by a submit and
ending when no job is queued: a replica runs at most one load at a time, and the writer
lock makes the replicas take turns. A job whose worker died (its replica was killed) stops
sending heartbeats; after ``STALE_AFTER_S`` it is shown failed ("the worker stopped"),
and since each file is its own DuckLake transaction, nothing of an unfinished file is in
the lake: running the files again loads exactly what was missing (the ledger skips
files already loaded).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update

from dashboard.admin import loads
from dashboard.errors import AppError, NotFound
from dashboard.identity import audit, authz
from dashboard.identity.user import User, load_user
from etl.load import LoadResult
from warehouse import ops
from warehouse.ops_schema_production import load_job
from warehouse.settings import Settings, load_settings

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUSES = (QUEUED, RUNNING, DONE, FAILED)
FINISHED = (DONE, FAILED)
HEARTBEAT_S = 5.0
# A running job without a heartbeat for this long has lost its worker.
STALE_AFTER_S = 60.0
# Progress is written at most this often (a load reports many steps a second).
PROGRESS_EVERY_S = 0.5
RECENT = 10


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def worker_name() -> str:
    return f"{socket.gethostname()} process {os.getpid()}"[:128]


@dataclass(frozen=True)
class JobView:
    job_id: str
    status: str  # queued, running, done, failed (a stale running job is shown failed)
    file_names: tuple[str, ...]
    requested_by_name: str
    requested_at: dt.datetime
    worker: str | None
    progress: float
    message: str | None
    results: tuple[LoadResult, ...]
    error_key: str | None
    error_detail: str | None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


def _view(row: object, now: dt.datetime) -> JobView:
    status, error_key, detail = row.status, row.error_key, row.error_detail
    beat = row.heartbeat_at or row.started_at
    if status == RUNNING and beat is not None and (now - beat).total_seconds() > STALE_AFTER_S:
        status, error_key, detail = FAILED, "production.worker_lost", row.worker
    results = tuple(LoadResult(**r) for r in json.loads(row.results)) if row.results else ()
    return JobView(
        job_id=row.job_id,
        status=status,
        file_names=tuple(Path(f).name for f in json.loads(row.files)),
        requested_by_name=row.requested_by_name,
        requested_at=row.requested_at,
        worker=row.worker,
        progress=float(row.progress or 0.0),
        message=row.message,
        results=results,
        error_key=error_key,
        error_detail=detail,
    )


def submit(
    actor: User | None,
    paths: Iterable[Path | str],
    *,
    feed: str | None = None,
    session_id: str | None = None,
    settings: Settings | None = None,
) -> str:
    """Queue a load of inbox files (admin only, audited); its job id. The files are
    checked now (inside the inbox, present) so the page says what is wrong at once."""
    settings = settings or load_settings()
    actor = authz.require_role(actor, "admin", settings=settings)
    # The Data loads service's own checks (inside the inbox, present).
    files = [str(p) for p in loads._inside_inbox(paths, settings)]
    job_id = uuid.uuid4().hex
    with ops.write(ops.engine(settings)) as conn:
        conn.execute(
            load_job.insert().values(
                job_id=job_id,
                status=QUEUED,
                files=json.dumps(files),
                feed=feed,
                requested_by=actor.user_id,
                requested_by_name=actor.username,
                session_id=session_id,
                requested_at=now_utc(),
                progress=0.0,
            )
        )
    audit.record(
        actor=actor,
        action="data.load_requested",
        entity="load_job",
        entity_id=job_id,
        before=None,
        after={"files": [Path(f).name for f in files], "feed": feed},
        session_id=session_id,
        settings=settings,
    )
    return job_id


def job(actor: User | None, job_id: str, *, settings: Settings | None = None) -> JobView:
    settings = settings or load_settings()
    authz.require_role(actor, "admin", settings=settings)
    with ops.read(ops.engine(settings)) as conn:
        row = conn.execute(select(load_job).where(load_job.c.job_id == job_id)).first()
    if row is None:
        raise NotFound("production.job_missing")
    return _view(row, now_utc())


def recent(
    actor: User | None, *, limit: int = RECENT, settings: Settings | None = None
) -> list[JobView]:
    """The latest jobs, newest first, whichever replica asked for them."""
    settings = settings or load_settings()
    authz.require_role(actor, "admin", settings=settings)
    with ops.read(ops.engine(settings)) as conn:
        rows = conn.execute(
            select(load_job).order_by(load_job.c.requested_at.desc()).limit(limit)
        ).all()
    now = now_utc()
    return [_view(r, now) for r in rows]


def _claim(settings: Settings, worker: str) -> object | None:
    """The oldest queued job, now ours; None when there is none left."""
    eng = ops.engine(settings)
    while True:
        with ops.write(eng) as conn:
            row = conn.execute(
                select(load_job)
                .where(load_job.c.status == QUEUED)
                .order_by(load_job.c.requested_at)
                .limit(1)
            ).first()
            if row is None:
                return None
            at = now_utc()
            claimed = conn.execute(
                update(load_job)
                .where(load_job.c.job_id == row.job_id, load_job.c.status == QUEUED)
                .values(status=RUNNING, worker=worker, started_at=at, heartbeat_at=at)
            )
            if claimed.rowcount == 1:
                return row
        # Another worker took it first: look again.


def _set(settings: Settings, job_id: str, **values: object) -> None:
    with ops.write(ops.engine(settings)) as conn:
        conn.execute(update(load_job).where(load_job.c.job_id == job_id).values(**values))


def run_next(settings: Settings | None = None, worker: str | None = None) -> str | None:
    """Claim and run the oldest queued job; its id, or None when nothing was queued."""
    settings = settings or load_settings()
    worker = worker or worker_name()
    row = _claim(settings, worker)
    if row is None:
        return None
    job_id = row.job_id
    beating = threading.Event()

    def heartbeat() -> None:
        while not beating.wait(HEARTBEAT_S):
            try:
                _set(settings, job_id, heartbeat_at=now_utc())
            except Exception:  # noqa: BLE001 — the ops DB may be away a moment; keep beating
                pass

    beat = threading.Thread(target=heartbeat, name=f"load-job-heartbeat-{job_id}", daemon=True)
    beat.start()
    last = {"at": 0.0}

    def progress(fraction: float, message: str) -> None:
        clock = now_utc().timestamp()
        if clock - last["at"] < PROGRESS_EVERY_S and fraction < 1.0:
            return
        last["at"] = clock
        _set(settings, job_id, progress=float(fraction), message=message, heartbeat_at=now_utc())

    try:
        actor = load_user(row.requested_by, settings) if row.requested_by is not None else None
        results = loads.run_loads(
            actor,
            json.loads(row.files),
            progress=progress,
            feed=row.feed,
            session_id=row.session_id,
            settings=settings,
        )
    except AppError as exc:
        _finish(settings, job_id, FAILED, error_key=exc.key, error_detail=_detail(exc))
    except Exception as exc:  # noqa: BLE001 — recorded on the job, which the page shows
        _finish(settings, job_id, FAILED, error_key="loads.failed", error_detail=str(exc))
    else:
        _finish(
            settings,
            job_id,
            DONE,
            results=json.dumps([loads._result_state(r) for r in results]),
            progress=1.0,
        )
    finally:
        beating.set()
    return job_id


def _detail(exc: AppError) -> str | None:
    detail = exc.params.get("detail") if isinstance(exc.params, dict) else None
    return str(detail) if detail is not None else None


def _finish(settings: Settings, job_id: str, status: str, **values: object) -> None:
    _set(settings, job_id, status=status, finished_at=now_utc(), **values)


_worker_lock = threading.Lock()
_worker: threading.Thread | None = None
_wanted = False


def _work(settings: Settings) -> None:
    global _worker, _wanted
    try:
        while True:
            with _worker_lock:
                if not _wanted:
                    _worker = None
                    return
                _wanted = False
            # A submit while this runs sets _wanted again: the loop looks once more, so a
            # job queued just after the last look is not left waiting.
            while run_next(settings) is not None:
                pass
    finally:
        with _worker_lock:
            if _worker is threading.current_thread():
                _worker = None


def ensure_worker(settings: Settings | None = None) -> threading.Thread:
    """This process's one load worker, started when it is not running: it runs queued
    jobs one after another until none is left."""
    global _worker, _wanted
    settings = settings or load_settings()
    with _worker_lock:
        _wanted = True
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(
                target=_work, args=(settings,), name="postmart-load-worker", daemon=True
            )
            _worker.start()
        return _worker
