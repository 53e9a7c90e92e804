"""The exception queue: one case per reconciliation break, worked by payments officers.

    open ──resolve──▶ resolved
      │  └─write off above WRITE_OFF_APPROVAL_THB──▶ pending_approval ──approve──▶ resolved
      │                                                   └──reject───▶ open
      └── (the data resolves the break: case_sync.sync) ──▶ closed_by_data

Every change is ``UPDATE pay_case ... WHERE case_id = :id AND version = :seen`` with the
rowcount checked, inside a write transaction (``BEGIN IMMEDIATE`` on SQLite): of two
officers resolving one case at once exactly one wins, and the other is told who did it
and when (``Conflict``). Every step is a case event and an audit entry with before/after.
A write-off above the setting needs a second payments officer: the one who asked may not
approve it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import polars as pl
from sqlalchemy import Connection, func, select, update

from dashboard.errors import Conflict, NotFound, ValidationFailed
from dashboard.identity import audit, authz
from dashboard.identity.user import User
from dashboard.onboarding.store import now
from dashboard.payments.queue import engine as _engine
from dashboard.payments.queue import viewer as _viewer
from warehouse import limits, ops, vocab
from warehouse.ops_schema import users as users_table
from warehouse.ops_schema_payments import pay_case, pay_case_event
from warehouse.settings import Settings, load_settings

ACTORS = authz.PAYMENTS_ACTORS
MAX_NOTE_LENGTH = limits.NOTE
# A resolution that names the record a break was matched to.
NEEDS_MATCHED_REF = frozenset({"matched_by_hand"})


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
