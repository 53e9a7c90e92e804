"""The review queue: the officer's provinces only, oldest first, days waiting against the
target (``POSTMART_REVIEW_TARGET_DAYS``), overdue marked.

The list is one indexed query (``ix_ob_application_queue``: province, status, submitted
at); the flag and checklist state it filters on are columns kept up to date on the row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl
from sqlalchemy import Select, case, func, select

from dashboard.identity.user import User
from dashboard.onboarding import scope, store
from warehouse import ops
from warehouse.ops_schema_onboarding import ob_application, ob_application_event
from warehouse.settings import load_settings
from warehouse.vocab import APPLICATION_OPEN_STATUSES as OPEN_STATUSES
from warehouse.vocab import DECISION_ACTIONS

QUEUE_COLUMNS = (
    "application_id",
    "status",
    "seller_type",
    "name_th",
    "name_en",
    "province_code",
    "district_code",
    "subdistrict_code",
    "source",
    "submitted_at",
    "reviewer_name",
    "count_open_flags",
    "count_check_errors",
    "is_checklist_complete",
)
DAYS_WINDOW_WORKLOAD = 30


# The queue page shows this many rows; the counts are of the whole queue.
PAGE_ROWS = 200
_SCHEMA = {
    "application_id": pl.Utf8,
    "status": pl.Utf8,
    "seller_type": pl.Utf8,
    "name_th": pl.Utf8,
    "name_en": pl.Utf8,
    "province_code": pl.Utf8,
    "district_code": pl.Utf8,
    "subdistrict_code": pl.Utf8,
    "source": pl.Utf8,
    "submitted_at": pl.Datetime("us"),
    "reviewer_name": pl.Utf8,
    "count_open_flags": pl.Int64,
    "count_check_errors": pl.Int64,
    "is_checklist_complete": pl.Boolean,
}


@dataclass(frozen=True)
class QueueFilter:
    statuses: Sequence[str] = OPEN_STATUSES
    district_code: str | None = None
    seller_type: str | None = None
    flagged: bool | None = None  # True: only flagged; False: only unflagged
    province_code: str | None = None  # narrow within the scope
    overdue_only: bool = False


@dataclass(frozen=True)
class QueueView:
    """What the queue page shows: the first rows, and counts of the whole queue."""

    rows: pl.DataFrame  # the oldest ``limit`` matching applications (see ``queue``)
    count: int  # every matching application
    count_overdue: int
    # Districts that have applications under the status filter (the district choices).
    district_codes: list[str]
    clean_ids: list[str]  # among ``rows``: eligible for bulk approval
    limit: int
    target_days: int
    filters: QueueFilter


def _where(stmt: Select, f: QueueFilter, provinces: tuple[str, ...] | None) -> Select:
    stmt = stmt.where(ob_application.c.status.in_(list(f.statuses)))
    if provinces is not None:
        stmt = stmt.where(ob_application.c.province_code.in_(list(provinces)))
    if f.province_code:
        stmt = stmt.where(ob_application.c.province_code == f.province_code)
    return stmt


def _narrow(stmt: Select, f: QueueFilter, overdue_before: datetime) -> Select:
    if f.district_code:
        stmt = stmt.where(ob_application.c.district_code == f.district_code)
    if f.seller_type:
        stmt = stmt.where(ob_application.c.seller_type == f.seller_type)
    if f.flagged is True:
        stmt = stmt.where(ob_application.c.count_open_flags > 0)
    elif f.flagged is False:
        stmt = stmt.where(ob_application.c.count_open_flags == 0)
    if f.overdue_only:
        stmt = stmt.where(ob_application.c.submitted_at < overdue_before)
    return stmt


def _with_marks(df: pl.DataFrame, at: datetime, target: int) -> pl.DataFrame:
    return df.with_columns(
        ((pl.lit(at) - pl.col("submitted_at")).dt.total_days()).alias("days_waiting"),
    ).with_columns(
        (pl.col("days_waiting") > target).alias("is_overdue"),
        (
            (pl.col("count_open_flags") == 0)
            & (pl.col("count_check_errors") == 0)
            & pl.col("is_checklist_complete")
        ).alias("is_clean"),
    )


def queue(
    actor: User | None,
    filters: QueueFilter | None = None,
    *,
    now: datetime | None = None,
    target_days: int | None = None,
    limit: int | None = None,
) -> pl.DataFrame:
    """The applications waiting in the user's provinces, oldest first (``limit`` of them).

    Adds ``days_waiting`` (whole days since submission), ``is_overdue`` (more than the
    target) and ``is_clean`` (no open flag, no check error, checklist complete: eligible
    for bulk approval).
    """
    f = filters or QueueFilter()
    provinces = scope.visible_provinces(actor)
    target = load_settings().review_target_days if target_days is None else target_days
    at = now or store.now()
    cols = [ob_application.c[c] for c in QUEUE_COLUMNS]
    stmt = _narrow(_where(select(*cols), f, provinces), f, at - timedelta(days=target))
    stmt = stmt.order_by(ob_application.c.submitted_at, ob_application.c.application_id)
    if limit is not None:
        stmt = stmt.limit(limit)
    with store.read() as conn:
        df = ops.fetch_df(conn, stmt, _SCHEMA)
    return _with_marks(df, at, target)


def view(
    actor: User | None,
    filters: QueueFilter | None = None,
    *,
    now: datetime | None = None,
    limit: int = PAGE_ROWS,
) -> QueueView:
    """The queue page in one call: the first ``limit`` rows, the whole queue's counts, and
    the district choices. Three indexed queries, whatever the queue's length."""
    f = filters or QueueFilter()
    provinces = scope.visible_provinces(actor)
    target = load_settings().review_target_days
    at = now or store.now()
    overdue_before = at - timedelta(days=target)
    rows = queue(actor, f, now=at, target_days=target, limit=limit)
    overdue = func.sum(case((ob_application.c.submitted_at < overdue_before, 1), else_=0))
    counts = _narrow(
        _where(select(func.count(), func.coalesce(overdue, 0)), f, provinces), f, overdue_before
    )
    districts = (
        _where(select(ob_application.c.district_code).distinct(), f, provinces)
        .where(ob_application.c.district_code.is_not(None))
        .order_by(ob_application.c.district_code)
    )
    with store.read() as conn:
        count, count_overdue = conn.execute(counts).one()
        district_codes = list(conn.execute(districts).scalars())
    return QueueView(
        rows=rows,
        count=int(count),
        count_overdue=int(count_overdue),
        district_codes=district_codes,
        clean_ids=rows.filter(pl.col("is_clean"))["application_id"].to_list(),
        limit=limit,
        target_days=target,
        filters=f,
    )


def workload(actor: User | None, *, now: datetime | None = None) -> pl.DataFrame:
    """Per officer: applications they hold in review, and decisions in the last 30 days."""
    provinces = scope.visible_provinces(actor)
    since = (now or store.now()) - timedelta(days=DAYS_WINDOW_WORKLOAD)
    holding = select(
        ob_application.c.reviewer_name.label("officer"), func.count().label("count_in_review")
    ).where(ob_application.c.status == "in_review", ob_application.c.reviewer_name.is_not(None))
    decided = (
        select(
            ob_application_event.c.actor_name.label("officer"), func.count().label("count_decided")
        )
        .join(
            ob_application, ob_application.c.application_id == ob_application_event.c.application_id
        )
        .where(
            ob_application_event.c.action.in_(list(DECISION_ACTIONS)),
            ob_application_event.c.at >= since,
            ob_application_event.c.actor_name.is_not(None),
        )
    )
    if provinces is not None:
        holding = holding.where(ob_application.c.province_code.in_(list(provinces)))
        decided = decided.where(ob_application.c.province_code.in_(list(provinces)))
    with store.read() as conn:
        a = ops.fetch_df(
            conn,
            holding.group_by(ob_application.c.reviewer_name),
            {"officer": pl.Utf8, "count_in_review": pl.Int64},
        )
        b = ops.fetch_df(
            conn,
            decided.group_by(ob_application_event.c.actor_name),
            {"officer": pl.Utf8, "count_decided": pl.Int64},
        )
    return (
        a.join(b, on="officer", how="full", coalesce=True)
        .with_columns(pl.col("count_in_review").fill_null(0), pl.col("count_decided").fill_null(0))
        .sort("officer")
    )
