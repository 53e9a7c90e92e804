"""Reading the exception queue: which cases a filter selects, a page of them at a time,
their totals, and the open cases' ageing (money at risk). Changing a case is ``cases``.

The large demo holds 118,000 open cases: the page shows one page of them (``queue_page``:
the count and the amount summed in the database, ``PAGE_SIZE`` rows brought over), and
the whole selection is read only for a download (``queue``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Connection, Engine, func, select

from dashboard.errors import ValidationFailed
from dashboard.identity import authz
from dashboard.identity.user import User
from dashboard.onboarding.store import now
from warehouse import ops, vocab
from warehouse.ops_schema import users as users_table
from warehouse.ops_schema_payments import pay_case
from warehouse.settings import Settings, load_settings

# Rows on one page of the queue: what an officer reads through before narrowing the filter.
PAGE_SIZE = 100

QUEUE_SCHEMA = {
    "case_id": pl.Int64,
    "break_class": pl.Utf8,
    "rail": pl.Utf8,
    "ref": pl.Utf8,
    "amount_thb": pl.Float64,
    "age_days": pl.Int64,
    "status": pl.Utf8,
    "seller_id": pl.Utf8,
    "province_code": pl.Utf8,
    "branch_code": pl.Utf8,
    "order_id": pl.Utf8,
    "assignee_name": pl.Utf8,
    "occurred_on": pl.Date,
    "detail": pl.Utf8,
    "resolution_code": pl.Utf8,
    "closed_reason": pl.Utf8,
    "version": pl.Int64,
}


@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows; every field is a code that fits in the URL."""

    status: str = "open"  # a CASE_STATUSES code, "open" (open + pending), or "all"
    break_class: str | None = None
    rail: str | None = None
    assignee: str | None = None  # a username, or "none" for unassigned
    seller_id: str | None = None
    min_age_days: int | None = None


def viewer(actor: User | None, settings: Settings | None = None) -> User:
    """The actor, if it may read the queue (payments officers and admins)."""
    return authz.require_role(actor, "payments_officer", "admin", settings=settings)


def engine(settings: Settings | None) -> Engine:
    """The ops database the cases live in."""
    return ops.engine(settings or load_settings())


def _where(f: QueueFilter, today: dt.date) -> list:
    conds = []
    if f.status == "open":
        conds.append(pay_case.c.status.in_(vocab.CASE_OPEN_STATUSES))
    elif f.status != "all":
        if f.status not in vocab.CASE_STATUSES:
            raise ValidationFailed("payments.case.unknown_status", status=f.status)
        conds.append(pay_case.c.status == f.status)
    if f.break_class:
        conds.append(pay_case.c.break_class == f.break_class)
    if f.rail:
        conds.append(pay_case.c.rail == f.rail)
    if f.assignee == "none":
        conds.append(pay_case.c.assignee_id.is_(None))
    elif f.assignee:
        conds.append(pay_case.c.assignee_name == f.assignee)
    if f.seller_id:
        conds.append(pay_case.c.seller_id == f.seller_id)
    if f.min_age_days is not None:
        # age = today − the break's day, so "at least n days" is a day on or before
        conds.append(pay_case.c.occurred_on <= today - dt.timedelta(days=f.min_age_days))
    return conds


def _rows(
    conn: Connection, conds: list, today: dt.date, limit: int | None = None, offset: int = 0
) -> pl.DataFrame:
    cols = [c for c in QUEUE_SCHEMA if c != "age_days"]
    stmt = (
        select(*[pay_case.c[c] for c in cols])
        .where(*conds)
        .order_by(pay_case.c.due_on, pay_case.c.case_id)
        .limit(limit)
        .offset(offset)
    )
    rows = conn.execute(stmt).all()
    df = pl.DataFrame(
        [tuple(r) for r in rows],
        schema={c: QUEUE_SCHEMA[c] for c in cols},
        orient="row",
    )
    return df.with_columns(
        age_days=(pl.lit(today) - pl.col("occurred_on")).dt.total_days().cast(pl.Int64),
    ).select(list(QUEUE_SCHEMA))


def queue(
    actor: User | None,
    f: QueueFilter | None = None,
    *,
    today: dt.date | None = None,
    settings: Settings | None = None,
) -> pl.DataFrame:
    """Every case the filter selects, oldest first; age in days since the break's day."""
    viewer(actor, settings)
    today = today or now().date()
    with ops.read(engine(settings)) as conn:
        return _rows(conn, _where(f or QueueFilter(), today), today)


@dataclass(frozen=True)
class QueuePage:
    """One page of a filter's cases, with the whole selection's count and amount."""

    rows: pl.DataFrame
    total: int
    amount_thb: float
    page: int  # from 0, within [0, pages)
    pages: int


def queue_page(
    actor: User | None,
    f: QueueFilter | None = None,
    page: int = 0,
    *,
    page_size: int | None = None,
    today: dt.date | None = None,
    settings: Settings | None = None,
) -> QueuePage:
    """Page ``page`` (from 0; past the last page gives the last) of :func:`queue`, of
    ``page_size`` cases (default ``PAGE_SIZE``)."""
    viewer(actor, settings)
    page_size = page_size or PAGE_SIZE
    today = today or now().date()
    conds = _where(f or QueueFilter(), today)
    with ops.read(engine(settings)) as conn:
        total, amount = conn.execute(
            select(func.count(), func.coalesce(func.sum(pay_case.c.amount_thb), 0)).where(*conds)
        ).one()
        pages = max(1, -(-total // page_size))
        page = min(max(page, 0), pages - 1)
        rows = _rows(conn, conds, today, page_size, page * page_size)
    return QueuePage(rows, int(total), float(amount), page, pages)


def summary(actor: User | None, *, settings: Settings | None = None) -> pl.DataFrame:
    """Open cases and money at risk by class and rail."""
    viewer(actor, settings)
    with ops.read(engine(settings)) as conn:
        return ops.fetch_df(
            conn,
            select(
                pay_case.c.break_class,
                pay_case.c.rail,
                func.count().label("count_open"),
                func.sum(pay_case.c.amount_thb).label("amount_thb"),
            )
            .where(pay_case.c.status.in_(vocab.CASE_OPEN_STATUSES))
            .group_by(pay_case.c.break_class, pay_case.c.rail)
            .order_by(pay_case.c.break_class, pay_case.c.rail),
            {
                "break_class": pl.Utf8,
                "rail": pl.Utf8,
                "count_open": pl.Int64,
                "amount_thb": pl.Float64,
            },
        )


# Ageing buckets of open cases, in days since the break's day: (code, first day, last day).
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("d0_2", 0, 2),
    ("d3_7", 3, 7),
    ("d8_30", 8, 30),
    ("d31", 31, None),
)


def ageing(
    actor: User | None, *, today: dt.date | None = None, settings: Settings | None = None
) -> pl.DataFrame:
    """Open cases by class and age bucket: count and amount (money at risk)."""
    viewer(actor, settings)
    today = today or now().date()
    # summed by class and day in the database: the large demo's 118,000 open cases as rows
    # took a second to bring over, their few thousand (class, day) sums do not
    stmt = (
        select(
            pay_case.c.break_class,
            pay_case.c.occurred_on,
            func.count().label("n"),
            func.sum(pay_case.c.amount_thb).label("amount_thb"),
        )
        .where(*_where(QueueFilter(status="open"), today))
        .group_by(pay_case.c.break_class, pay_case.c.occurred_on)
    )
    with ops.read(engine(settings)) as conn:
        rows = conn.execute(stmt).all()
    open_cases = pl.DataFrame(
        [(r[0], r[1], r[2], float(r[3] or 0)) for r in rows],
        schema={
            "break_class": pl.Utf8,
            "occurred_on": pl.Date,
            "n": pl.Int64,
            "amount_thb": QUEUE_SCHEMA["amount_thb"],
        },
        orient="row",
    ).with_columns(age_days=(pl.lit(today) - pl.col("occurred_on")).dt.total_days())
    bucket = pl.lit(AGE_BUCKETS[-1][0])
    for code, _lo, hi in reversed(AGE_BUCKETS[:-1]):
        bucket = pl.when(pl.col("age_days") <= hi).then(pl.lit(code)).otherwise(bucket)
    return (
        open_cases.with_columns(bucket=bucket)
        .group_by("break_class", "bucket")
        .agg(count_open=pl.col("n").sum().cast(pl.UInt32), amount_thb=pl.col("amount_thb").sum())
        .sort("break_class", "bucket")
    )


def money_at_risk(age: pl.DataFrame) -> float:
    """The open cases' total amount (of an :func:`ageing` frame)."""
    return float(age["amount_thb"].sum() or 0) if age.height else 0.0


def officers(actor: User | None, *, settings: Settings | None = None) -> list[str]:
    """The usernames a case may be assigned to: active payments officers and admins."""
    viewer(actor, settings)
    with ops.read(engine(settings)) as conn:
        return list(
            conn.execute(
                select(users_table.c.username)
                .where(
                    users_table.c.role.in_(("payments_officer", "admin")),
                    users_table.c.is_active.is_(True),
                )
                .order_by(users_table.c.username)
            ).scalars()
        )


def export_frame(df: pl.DataFrame) -> pl.DataFrame:
    """The queue as a download: the columns people read, codes kept (they filter on them)."""
    return df.drop("version")
