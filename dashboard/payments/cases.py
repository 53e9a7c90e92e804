"""The exception queue: one case per reconciliation break, worked by payments officers.

    open ──resolve──▶ resolved
      │  └─write off above WRITE_OFF_APPROVAL_THB──▶ pending_approval ──approve──▶ resolved
      │                                                   └──reject───▶ open
      └── (the data resolves the break: recon.sync) ──▶ closed_by_data

Every change is ``UPDATE pay_case ... WHERE case_id = :id AND version = :seen`` with the
rowcount checked, inside a write transaction (``BEGIN IMMEDIATE`` on SQLite): of two
officers resolving one case at once exactly one wins, and the other is told who did it
and when (``Conflict``). Every step is a case event and an audit entry with before/after.
A write-off above the setting needs a second payments officer: the one who asked may not
approve it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from sqlalchemy import Connection, and_, func, select, update

from dashboard.errors import Conflict, NotFound, ValidationFailed
from dashboard.identity import audit, authz
from dashboard.identity.user import User
from dashboard.onboarding.store import now
from warehouse import limits, ops, vocab
from warehouse.ops_schema import users as users_table
from warehouse.ops_schema_payments import pay_case, pay_case_event
from warehouse.settings import Settings, load_settings

ACTORS = authz.PAYMENTS_ACTORS
MAX_NOTE_LENGTH = limits.NOTE
# A resolution that names the record a break was matched to.
NEEDS_MATCHED_REF = frozenset({"matched_by_hand"})

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


def _viewer(actor: User | None, settings: Settings | None = None) -> User:
    return authz.require_role(actor, "payments_officer", "admin", settings=settings)


def _engine(settings: Settings | None):
    return ops.engine(settings or load_settings())


def _where(f: QueueFilter) -> list:
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
    return conds


def queue(
    actor: User | None,
    f: QueueFilter | None = None,
    *,
    today: dt.date | None = None,
    settings: Settings | None = None,
) -> pl.DataFrame:
    """The cases the filter selects, oldest first; age in days since the break was due."""
    _viewer(actor, settings)
    f = f or QueueFilter()
    today = today or now().date()
    cols = [c for c in QUEUE_SCHEMA if c != "age_days"]
    stmt = (
        select(*[pay_case.c[c] for c in cols])
        .where(and_(*_where(f)))
        .order_by(pay_case.c.due_on, pay_case.c.case_id)
    )
    with ops.read(_engine(settings)) as conn:
        rows = conn.execute(stmt).all()
    df = pl.DataFrame(
        [tuple(r) for r in rows],
        schema={c: QUEUE_SCHEMA[c] for c in cols},
        orient="row",
    )
    due = pl.col("occurred_on")
    df = df.with_columns(
        age_days=(pl.lit(today) - due).dt.total_days().cast(pl.Int64),
    ).select(list(QUEUE_SCHEMA))
    if f.min_age_days is not None:
        df = df.filter(pl.col("age_days") >= f.min_age_days)
    return df


def get(actor: User | None, case_id: int, *, settings: Settings | None = None) -> dict[str, Any]:
    _viewer(actor, settings)
    with ops.read(_engine(settings)) as conn:
        return _get(conn, case_id)


def _get(conn: Connection, case_id: int) -> dict[str, Any]:
    row = conn.execute(select(pay_case).where(pay_case.c.case_id == case_id)).mappings().first()
    if row is None:
        raise NotFound("payments.case.missing", case_id=case_id)
    return dict(row)


def history(actor: User | None, case_id: int, *, settings: Settings | None = None) -> pl.DataFrame:
    """The case's steps, oldest first."""
    _viewer(actor, settings)
    with ops.read(_engine(settings)) as conn:
        return ops.fetch_df(
            conn,
            select(
                pay_case_event.c.at,
                pay_case_event.c.action,
                pay_case_event.c.to_status,
                pay_case_event.c.note,
                pay_case_event.c.actor_name,
            )
            .where(pay_case_event.c.case_id == case_id)
            .order_by(pay_case_event.c.event_id),
            {
                "at": pl.Datetime("us"),
                "action": pl.Utf8,
                "to_status": pl.Utf8,
                "note": pl.Utf8,
                "actor_name": pl.Utf8,
            },
        )


def _conflict(conn: Connection, case_id: int) -> Conflict:
    """Who changed the case last and when, for the officer who lost the race."""
    case = _get(conn, case_id)
    last = conn.execute(
        select(pay_case_event.c.actor_name, pay_case_event.c.at)
        .where(pay_case_event.c.case_id == case_id)
        .order_by(pay_case_event.c.event_id.desc())
        .limit(1)
    ).first()
    return Conflict(
        "payments.case.conflict",
        case_id=case_id,
        status=case["status"],
        by=(last.actor_name if last else "") or "",
        at=last.at.isoformat(sep=" ") if last else "",
    )


def _note(note: str | None, required: bool = False) -> str | None:
    text = (note or "").strip() or None
    if required and text is None:
        raise ValidationFailed("payments.case.note_required")
    if text and len(text) > MAX_NOTE_LENGTH:
        raise ValidationFailed("payments.case.note_too_long", limit=MAX_NOTE_LENGTH)
    return text


def _change(
    conn: Connection,
    actor: User,
    case_id: int,
    action: str,
    values: Mapping[str, Any],
    *,
    allowed_from: Iterable[str],
    expected_version: int | None,
    note: str | None,
    session_id: str | None,
) -> dict[str, Any]:
    """One conditional update of a case, its event and its audit entry."""
    case = _get(conn, case_id)
    seen = case["version"] if expected_version is None else expected_version
    if case["version"] != seen or case["status"] not in tuple(allowed_from):
        raise _conflict(conn, case_id)
    at = now()
    new = {**values, "updated_at": at, "version": seen + 1}
    result = conn.execute(
        update(pay_case)
        .where(pay_case.c.case_id == case_id, pay_case.c.version == seen)
        .values(**new)
    )
    if result.rowcount != 1:
        raise _conflict(conn, case_id)
    conn.execute(
        pay_case_event.insert().values(
            case_id=case_id,
            action=action,
            from_status=case["status"],
            to_status=new.get("status", case["status"]),
            note=note,
            actor_id=actor.user_id,
            actor_name=actor.username,
            at=at,
        )
    )
    after = {**case, **new}
    audit.AuditTrail(conn, actor, session_id).add(
        f"payments.case.{action}", "pay_case", str(case_id), case, after
    )
    return after


def _actor(actor: User | None, settings: Settings | None) -> User:
    return authz.require_role(actor, "payments_officer", "admin", settings=settings)


def _officer(conn: Connection, username: str) -> tuple[int, str]:
    row = conn.execute(
        select(users_table.c.user_id, users_table.c.username, users_table.c.role).where(
            func.lower(users_table.c.username) == username.strip().lower()
        )
    ).first()
    if row is None or row.role not in ("payments_officer", "admin"):
        raise ValidationFailed("payments.case.not_an_officer", username=username)
    return row.user_id, row.username


def assign(
    actor: User | None,
    case_ids: Iterable[int],
    assignee: str,
    *,
    settings: Settings | None = None,
    session_id: str | None = None,
) -> int:
    """Give one or many open cases to a payments officer (one transaction); returns how many.
    A case someone else changed meanwhile fails the whole assignment with Conflict."""
    user = _actor(actor, settings)
    ids = list(dict.fromkeys(case_ids))
    with ops.write(_engine(settings)) as conn:
        uid, name = _officer(conn, assignee)
        for cid in ids:
            _change(
                conn,
                user,
                cid,
                "assign",
                {"assignee_id": uid, "assignee_name": name},
                allowed_from=vocab.CASE_OPEN_STATUSES,
                expected_version=None,
                note=name,
                session_id=session_id,
            )
    return len(ids)


def comment(
    actor: User | None,
    case_id: int,
    note: str,
    *,
    settings: Settings | None = None,
    session_id: str | None = None,
) -> dict[str, Any]:
    user = _actor(actor, settings)
    text = _note(note, required=True)
    with ops.write(_engine(settings)) as conn:
        return _change(
            conn,
            user,
            case_id,
            "comment",
            {},
            allowed_from=vocab.CASE_STATUSES,
            expected_version=None,
            note=text,
            session_id=session_id,
        )


def resolve(
    actor: User | None,
    case_id: int,
    resolution_code: str,
    note: str | None = None,
    *,
    matched_ref: str | None = None,
    expected_version: int | None = None,
    settings: Settings | None = None,
    session_id: str | None = None,
) -> dict[str, Any]:
    """Resolve an open case with a resolution code. A write-off above
    ``WRITE_OFF_APPROVAL_THB`` goes to ``pending_approval`` for a second officer instead."""
    settings = settings or load_settings()
    user = _actor(actor, settings)
    if resolution_code not in vocab.RESOLUTION_CODES:
        raise ValidationFailed("payments.case.unknown_resolution", code=resolution_code)
    text = _note(note, required=resolution_code in ("written_off", "not_a_break", "escalated"))
    ref = (matched_ref or "").strip() or None
    if resolution_code in NEEDS_MATCHED_REF and ref is None:
        raise ValidationFailed("payments.case.matched_ref_required")
    with ops.write(_engine(settings)) as conn:
        case = _get(conn, case_id)
        big = Decimal(str(case["amount_thb"])) > Decimal(str(settings.write_off_approval_thb))
        if resolution_code == "written_off" and big:
            values = {
                "status": "pending_approval",
                "resolution_code": resolution_code,
                "resolution_note": text,
                "requested_by": user.user_id,
                "requested_by_name": user.username,
            }
            action = "request_write_off"
        else:
            values = {
                "status": "resolved",
                "resolution_code": resolution_code,
                "resolution_note": text,
                "matched_ref": ref,
                "resolved_by": user.user_id,
                "resolved_by_name": user.username,
                "closed_at": now(),
            }
            action = "resolve"
        return _change(
            conn,
            user,
            case_id,
            action,
            values,
            allowed_from=("open",),
            expected_version=expected_version,
            note=text,
            session_id=session_id,
        )


def summary(actor: User | None, *, settings: Settings | None = None) -> pl.DataFrame:
    """Open cases and money at risk by class and rail."""
    _viewer(actor, settings)
    with ops.read(_engine(settings)) as conn:
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
    _viewer(actor, settings)
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
        .where(and_(*_where(QueueFilter(status="open"))))
        .group_by(pay_case.c.break_class, pay_case.c.occurred_on)
    )
    with ops.read(_engine(settings)) as conn:
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
    _viewer(actor, settings)
    with ops.read(_engine(settings)) as conn:
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
