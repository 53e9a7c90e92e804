"""The review queue: the officer's provinces only, oldest first, days waiting against the
target (``POSTMART_REVIEW_TARGET_DAYS``), overdue marked.

The list is one indexed query (``ix_ob_application_queue``: province, status, submitted
at); the flag and checklist state it filters on are columns kept up to date on the row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import polars as pl
from sqlalchemy import func, select

from dashboard.onboarding import _store, scope
from dashboard.onboarding.workflow import OPEN_STATUSES
from warehouse.ops_schema_onboarding import ob_application, ob_application_event
from warehouse.settings import load_settings

if TYPE_CHECKING:
    from dashboard.auth import User

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


@dataclass(frozen=True)
class QueueFilter:
    statuses: Sequence[str] = OPEN_STATUSES
    district_code: str | None = None
    seller_type: str | None = None
    flagged: bool | None = None  # True: only flagged; False: only unflagged
    province_code: str | None = None  # narrow within the scope
    overdue_only: bool = False


def queue(
    actor: User | None,
    filters: QueueFilter | None = None,
    *,
    now: datetime | None = None,
    target_days: int | None = None,
) -> pl.DataFrame:
    """The applications waiting in the user's provinces, oldest first.

    Adds ``days_waiting`` (whole days since submission), ``is_overdue`` (more than the
    target) and ``is_clean`` (no open flag, no check error, checklist complete: eligible
    for bulk approval).
    """
    f = filters or QueueFilter()
    provinces = scope.visible_provinces(actor)
    target = load_settings().review_target_days if target_days is None else target_days
    at = now or _store.now()
    cols = [ob_application.c[c] for c in QUEUE_COLUMNS]
    stmt = select(*cols).where(ob_application.c.status.in_(list(f.statuses)))
    if provinces is not None:
        stmt = stmt.where(ob_application.c.province_code.in_(list(provinces)))
    if f.province_code:
        stmt = stmt.where(ob_application.c.province_code == f.province_code)
    if f.district_code:
        stmt = stmt.where(ob_application.c.district_code == f.district_code)
    if f.seller_type:
        stmt = stmt.where(ob_application.c.seller_type == f.seller_type)
    if f.flagged is True:
        stmt = stmt.where(ob_application.c.count_open_flags > 0)
    elif f.flagged is False:
        stmt = stmt.where(ob_application.c.count_open_flags == 0)
    if f.overdue_only:
        stmt = stmt.where(ob_application.c.submitted_at < at - timedelta(days=target))
    stmt = stmt.order_by(ob_application.c.submitted_at, ob_application.c.application_id)
    with _store.ops.read(_store.engine()) as conn:
        rows = conn.execute(stmt).all()
    schema = {
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
    df = pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")
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


def workload(actor: User | None, *, now: datetime | None = None) -> pl.DataFrame:
    """Per officer: applications they hold in review, and decisions in the last 30 days."""
    provinces = scope.visible_provinces(actor)
    since = (now or _store.now()) - timedelta(days=DAYS_WINDOW_WORKLOAD)
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
            ob_application_event.c.action.in_(["approve", "reject", "request_information"]),
            ob_application_event.c.at >= since,
            ob_application_event.c.actor_name.is_not(None),
        )
    )
    if provinces is not None:
        holding = holding.where(ob_application.c.province_code.in_(list(provinces)))
        decided = decided.where(ob_application.c.province_code.in_(list(provinces)))
    with _store.ops.read(_store.engine()) as conn:
        held = conn.execute(holding.group_by(ob_application.c.reviewer_name)).all()
        done = conn.execute(decided.group_by(ob_application_event.c.actor_name)).all()
    a = pl.DataFrame(
        [tuple(r) for r in held],
        schema={"officer": pl.Utf8, "count_in_review": pl.Int64},
        orient="row",
    )
    b = pl.DataFrame(
        [tuple(r) for r in done],
        schema={"officer": pl.Utf8, "count_decided": pl.Int64},
        orient="row",
    )
    return (
        a.join(b, on="officer", how="full", coalesce=True)
        .with_columns(pl.col("count_in_review").fill_null(0), pl.col("count_decided").fill_null(0))
        .sort("officer")
    )
