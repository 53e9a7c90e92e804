"""The Data loads page's part of the production mode: the tab's own load job (queued,
running with its progress, finished) and the latest jobs of every replica, read from the
ops DB. While a job is unfinished the panel polls (a fragment rerunning alone)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import polars as pl
import streamlit as st
from sqlalchemy import exc as sa_exc

from dashboard.identity.user import User
from dashboard.production import load_jobs
from dashboard.production.load_jobs import JobView
from dashboard.ui import tables, text

MY_JOB = "production_my_load_job"
MY_JOB_OUTCOME = "production_my_load_job_outcome"
POLL_S = 1.0
JOB_COLUMNS = {
    "requested_at": "production.requested_at",
    "requested_by": "production.requested_by",
    "files": "production.files",
    "status": "production.status",
    "progress": "production.progress",
    "message": "production.message",
}


def jobs_frame(jobs: list[JobView]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "requested_at": [j.requested_at for j in jobs],
            "requested_by": [j.requested_by_name for j in jobs],
            "files": [", ".join(j.file_names) for j in jobs],
            "status": [j.status for j in jobs],
            "progress": [round(100 * j.progress) for j in jobs],
            "message": [j.message or "" for j in jobs],
        },
        schema={
            "requested_at": pl.Datetime("us", "UTC"),
            "requested_by": pl.String,
            "files": pl.String,
            "status": pl.String,
            "progress": pl.Int64,
            "message": pl.String,
        },
    )


def _mine(user: User, jobs: list[JobView]) -> JobView | None:
    job_id = st.session_state.get(MY_JOB)
    if not job_id:
        return None
    found = next((j for j in jobs if j.job_id == job_id), None)
    return found or load_jobs.job(user, job_id)


def _show(user: User, jobs: list[JobView], mine: JobView | None) -> None:
    if mine is not None and mine.status == load_jobs.QUEUED:
        st.info(text.t("production.job_queued"), icon=":material/schedule:")
    elif mine is not None and mine.status == load_jobs.RUNNING:
        st.progress(
            min(max(mine.progress, 0.0), 1.0),
            text=text.escape_markdown(
                text.t("production.job_running", message=mine.message or "…")
            ),
        )
    st.subheader(text.t("production.jobs"))
    if not jobs:
        st.caption(text.t("production.jobs_empty"))
        return
    tables.show_table(jobs_frame(jobs), JOB_COLUMNS, {"status": "production.job_status"})


@st.fragment(run_every=POLL_S)
def _polling(user: User) -> None:
    with text.errors_shown():
        jobs = load_jobs.recent(user)
        mine = _mine(user, jobs)
    if (mine is not None and mine.finished) or (mine is None and all(j.finished for j in jobs)):
        st.rerun()  # the whole page: results shown, polling ends
    _show(user, jobs, mine)


def _outcome() -> None:
    outcome = st.session_state.get(MY_JOB_OUTCOME)
    if not outcome:
        return
    status, key, detail = outcome
    if status == load_jobs.DONE:
        st.success(text.t("production.job_done"), icon=":material/check_circle:")
    else:
        st.error(text.t("production.job_failed"), icon=":material/error:")
        if key:
            st.error(text.escape_markdown(text.t(key, detail=detail or "")))


def load_jobs_panel(user: User) -> JobView | None:
    """Show the jobs; the tab's own job, once, in the run after it finished."""
    with text.errors_shown():
        jobs = load_jobs.recent(user)
        mine = _mine(user, jobs)
    finished = None
    if mine is not None and mine.finished:
        st.session_state.pop(MY_JOB, None)
        st.session_state[MY_JOB_OUTCOME] = (mine.status, mine.error_key, mine.error_detail)
        finished, mine = mine, None
    _outcome()
    if mine is not None or any(not j.finished for j in jobs):
        _polling(user)
    else:
        _show(user, jobs, None)
    return finished


# ---------------------------------------------------------------- the ops DB unreachable

RETRY_S = 3.0


def _ops_reachable() -> bool:
    from warehouse import ops

    try:
        with ops.read(ops.engine()) as conn:
            conn.exec_driver_sql("select 1")
        return True
    except sa_exc.DBAPIError:
        return False


@st.fragment(run_every=RETRY_S)
def _retry_until_back() -> None:
    if _ops_reachable():
        st.rerun()  # the whole page, as the user asked for it


@contextlib.contextmanager
def ops_unavailable_shown() -> Iterator[None]:
    """The ops DB (sessions, accounts, decisions) unreachable — PostgreSQL restarting, a
    failover: a kind message instead of a traceback, and the page comes back by itself
    when the database answers again (checked every few seconds)."""
    try:
        yield
    except (sa_exc.OperationalError, sa_exc.InterfaceError):
        st.warning(text.t("production.ops_unavailable"), icon=":material/cloud_off:")
        _retry_until_back()
        st.stop()
