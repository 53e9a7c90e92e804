"""The application workflow: a state machine, conditional updates, every step audited.

    submitted → in_review → needs_information ⇄ resubmitted → approved | rejected
    approved ⇄ suspended (a seller suspended or reinstated with a reason)

Every change is ``UPDATE ... WHERE application_id = :id AND status = :seen`` with the
rowcount checked, inside a write transaction (``BEGIN IMMEDIATE`` on SQLite). When two
officers decide the same application at once exactly one update matches; the other is
told, through ``Conflict``, who changed it and when.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import polars as pl
from sqlalchemy import Connection, select, update

from dashboard.errors import Conflict, ValidationFailed
from dashboard.identity import audit
from dashboard.identity.user import User
from dashboard.onboarding import checklist, scope, store
from warehouse import limits, vocab
from warehouse.ops_schema_onboarding import (
    ob_application,
    ob_application_event,
    ob_document_check,
    ob_reason_code,
)

STATUSES = vocab.APPLICATION_STATUSES
OPEN_STATUSES = vocab.APPLICATION_OPEN_STATUSES
DECIDED_STATUSES = vocab.APPLICATION_DECIDED_STATUSES

# action → {status it may start from: status it leads to}
TRANSITIONS: dict[str, dict[str, str]] = {
    "start_review": {"submitted": "in_review", "resubmitted": "in_review"},
    "request_information": {"in_review": "needs_information", "resubmitted": "needs_information"},
    "resubmit": {"needs_information": "resubmitted"},
    "approve": {"submitted": "approved", "in_review": "approved", "resubmitted": "approved"},
    "reject": {
        "submitted": "rejected",
        "in_review": "rejected",
        "needs_information": "rejected",
        "resubmitted": "rejected",
    },
    "suspend": {"approved": "suspended"},
    "reinstate": {"suspended": "approved"},
}
# Which managed reason list an action draws from; None = a note alone is enough.
REASON_KIND: dict[str, str | None] = {"reject": "application_reject", "suspend": "suspend"}
MAX_NOTE_LENGTH = limits.NOTE
NOTE_REQUIRED = frozenset({"reject", "suspend", "reinstate", "request_information"})
# Actions that are decisions for the export and the office's "days to decision".
DECISION_ACTIONS = frozenset(vocab.DECISION_ACTIONS)


# An application's history as its page lists it.
_HISTORY_SCHEMA = {
    "at": pl.Datetime("us"),
    "action": pl.Utf8,
    "to_status": pl.Utf8,
    "reason_code": pl.Utf8,
    "note": pl.Utf8,
    "actor_name": pl.Utf8,
}


def next_status(current: str, action: str) -> str:
    """The status ``action`` leads to from ``current``; ValidationFailed if not allowed."""
    if action not in TRANSITIONS:
        raise ValidationFailed("onboarding.workflow.unknown_action", action=action)
    to = TRANSITIONS[action].get(current)
    if to is None:
        raise ValidationFailed("onboarding.workflow.not_allowed", action=action, status=current)
    return to


def allowed_actions(status: str) -> list[str]:
    return [a for a, moves in TRANSITIONS.items() if status in moves]


def _conflict(conn: Connection, app: dict[str, Any]) -> Conflict:
    """Who moved the application last and when, for the officer who lost the race."""
    last = conn.execute(
        select(ob_application_event.c.actor_name, ob_application_event.c.at)
        .where(ob_application_event.c.application_id == app["application_id"])
        .order_by(ob_application_event.c.event_id.desc())
        .limit(1)
    ).first()
    by = last.actor_name if last else app.get("decided_by_name")
    at = last.at if last else app.get("updated_at")
    return Conflict(
        "onboarding.workflow.conflict",
        application_id=app["application_id"],
        status=app["status"],
        by=by or "",
        at=at.isoformat(sep=" ") if at else "",
    )


def _has_history(conn: Connection, app: dict[str, Any]) -> bool:
    return (
        conn.execute(
            select(ob_application_event.c.event_id)
            .where(ob_application_event.c.application_id == app["application_id"])
            .limit(1)
        ).first()
        is not None
        or app["status"] in DECIDED_STATUSES
    )


def _check_reason(conn: Connection, action: str, reason_code: str | None, note: str | None) -> None:
    kind = REASON_KIND.get(action)
    if kind is not None:
        if not reason_code:
            raise ValidationFailed("onboarding.workflow.reason_required", action=action)
        found = conn.execute(
            select(ob_reason_code.c.reason_code).where(
                ob_reason_code.c.reason_code == reason_code,
                ob_reason_code.c.kind == kind,
                ob_reason_code.c.is_active.is_(True),
            )
        ).first()
        if found is None:
            raise ValidationFailed("onboarding.workflow.unknown_reason", reason_code=reason_code)
    if note and len(note) > MAX_NOTE_LENGTH:
        raise ValidationFailed("error.text_too_long", max=MAX_NOTE_LENGTH)
    if action in NOTE_REQUIRED and not (note or "").strip():
        raise ValidationFailed("onboarding.workflow.note_required", action=action)


def approval_blockers(app: dict[str, Any]) -> list[str]:
    """Message keys of what stops this application from being approved (empty = clean)."""
    blockers = []
    if app["count_open_flags"]:
        blockers.append("onboarding.workflow.blocked.open_flags")
    if not app["is_checklist_complete"]:
        blockers.append("onboarding.workflow.blocked.checklist_incomplete")
    if app["count_check_errors"]:
        blockers.append("onboarding.workflow.blocked.check_errors")
    return blockers


def apply_transition(
    conn: Connection,
    actor: User | None,
    application_id: str,
    action: str,
    trail: audit.AuditTrail,
    *,
    reason_code: str | None = None,
    note: str | None = None,
    expected_status: str | None = None,
    now: Any = None,
) -> dict[str, Any]:
    """One transition inside the caller's write transaction; returns the row after it."""
    app = store.get_application(conn, application_id)
    # Resubmission is the seller's step; an officer records it on their behalf, so the
    # same scope rule applies to every action.
    scope.require_act(actor, app["province_code"], store.application_missing(application_id))
    seen = expected_status or app["status"]
    if app["status"] != seen:
        raise _conflict(conn, app)
    if action in TRANSITIONS and seen not in TRANSITIONS[action] and _has_history(conn, app):
        # Someone moved it to a status where this action no longer applies (typically:
        # already decided). The officer needs who and when, not "not allowed".
        raise _conflict(conn, app)
    to = next_status(seen, action)
    _check_reason(conn, action, reason_code, note)
    if action == "approve":
        blockers = approval_blockers(app)
        if blockers:
            raise ValidationFailed(blockers[0], application_id=application_id, blockers=blockers)
    at = now or store.now()
    user_id, username = store.actor_fields(actor)
    values: dict[str, Any] = {"status": to, "updated_at": at, "version": app["version"] + 1}
    if action in ("approve", "reject"):
        values.update(
            decided_at=at,
            decided_by=user_id,
            decided_by_name=username,
            reason_code=reason_code,
            decision_note=(note or "").strip() or None,
        )
    if action == "approve" and not app["seller_id"]:
        values["seller_id"] = f"S-{application_id}"
    if action in ("suspend", "reinstate"):
        values.update(reason_code=reason_code, decision_note=note.strip() if note else None)
    if action == "start_review":
        values.update(reviewer_id=user_id, reviewer_name=username)
    result = conn.execute(
        update(ob_application)
        .where(
            ob_application.c.application_id == application_id,
            ob_application.c.status == seen,
        )
        .values(**values)
    )
    if result.rowcount != 1:
        raise _conflict(conn, store.get_application(conn, application_id))
    conn.execute(
        ob_application_event.insert().values(
            application_id=application_id,
            action=action,
            from_status=seen,
            to_status=to,
            reason_code=reason_code,
            note=(note or "").strip() or None,
            actor_id=user_id,
            actor_name=username,
            at=at,
        )
    )
    after = {**app, **values}
    trail.add(f"onboarding.application.{action}", "ob_application", application_id, app, after)
    return after


def transition(
    actor: User | None,
    application_id: str,
    action: str,
    *,
    reason_code: str | None = None,
    note: str | None = None,
    expected_status: str | None = None,
    session_id: str | None = None,
    sync_master: bool = True,
) -> dict[str, Any]:
    """Move one application (``approve``, ``reject``, ``start_review``, ...); audited.

    ``expected_status`` is the status the officer saw on screen: if someone changed it
    since, the officer gets Conflict instead of acting on stale information.
    """
    with store.write() as conn:
        trail = audit.AuditTrail(conn, actor, session_id)
        after = apply_transition(
            conn,
            actor,
            application_id,
            action,
            trail,
            reason_code=reason_code,
            note=note,
            expected_status=expected_status,
        )
    if sync_master and after.get("seller_id"):
        sync_seller_master(actor, action, [after["seller_id"]])
    return after


def sync_seller_master(actor: User | None, action: str, seller_ids: list[str]) -> None:
    """A decision that makes, suspends or reinstates a seller reaches the lake's seller
    master at once (impact domain; best effort, the next sync catches up)."""
    from dashboard.impact import seller_master

    if action in seller_master.SELLER_ACTIONS and seller_ids:
        seller_master.after_change(seller_ids, actor=actor)


def approve(actor: User | None, application_id: str, **kw: Any) -> dict[str, Any]:
    return transition(actor, application_id, "approve", **kw)


def reject(
    actor: User | None, application_id: str, reason_code: str, note: str, **kw: Any
) -> dict[str, Any]:
    return transition(actor, application_id, "reject", reason_code=reason_code, note=note, **kw)


def get(actor: User | None, application_id: str) -> dict[str, Any]:
    """One application with its checks, checklist, flags and history, if the user may see it."""
    with store.read() as conn:
        app = store.get_application(conn, application_id)
        scope.require_view(actor, app["province_code"], store.application_missing(application_id))
        docs = {
            r.item_code: {
                "state": r.state,
                "note": r.note,
                "checked_by": r.checked_by_name,
                "checked_at": r.checked_at,
            }
            for r in conn.execute(
                select(ob_document_check).where(
                    ob_document_check.c.application_id == application_id
                )
            )
        }
        events = [
            dict(r)
            for r in conn.execute(
                select(ob_application_event)
                .where(ob_application_event.c.application_id == application_id)
                .order_by(ob_application_event.c.event_id)
            ).mappings()
        ]
    required = checklist.required_documents(
        app["seller_type"], has_juristic_id=bool(app["juristic_id"])
    )
    app["checks"] = json.loads(app["checks_json"]) if app["checks_json"] else []
    app["checklist"] = [{"item": i, **docs.get(i, {"state": None})} for i in required]
    app["events"] = events
    app["history"] = pl.DataFrame(
        [{k: e.get(k) for k in _HISTORY_SCHEMA} for e in events], schema=_HISTORY_SCHEMA
    )
    app["is_open"] = app["status"] in OPEN_STATUSES
    app["approval_blockers"] = approval_blockers(app)
    app["allowed_actions"] = (
        allowed_actions(app["status"]) if scope.can_act(actor, app["province_code"]) else []
    )
    return app


def set_documents(
    actor: User | None,
    application_id: str,
    items: Mapping[str, tuple[str | None, str | None]],
    *,
    session_id: str | None = None,
) -> bool:
    """Accept, reject or waive checklist items — ``{item: (state, note)}`` — in one
    transaction: either every change is saved or, when one is refused, none is. Items
    whose state and note are unchanged (or have no state chosen) are left alone. Returns
    whether the checklist is complete."""
    with store.write() as conn:
        trail = audit.AuditTrail(conn, actor, session_id)
        app = store.get_application(conn, application_id)
        scope.require_act(actor, app["province_code"], store.application_missing(application_id))
        if app["status"] not in OPEN_STATUSES:
            raise _conflict(conn, app)
        current = {
            r["item_code"]: dict(r)
            for r in conn.execute(
                select(ob_document_check).where(
                    ob_document_check.c.application_id == application_id
                )
            ).mappings()
        }
        user_id, username = store.actor_fields(actor)
        for item, (state, note) in items.items():
            note = (note or "").strip() or None
            before = current.get(item)
            if not state or (before and (before["state"], before["note"]) == (state, note)):
                continue
            checklist.validate_item(app["seller_type"], bool(app["juristic_id"]), item, state, note)
            values = {
                "state": state,
                "note": note,
                "checked_by": user_id,
                "checked_by_name": username,
                "checked_at": store.now(),
            }
            if before is None:
                conn.execute(
                    ob_document_check.insert().values(
                        application_id=application_id, item_code=item, **values
                    )
                )
            else:
                conn.execute(
                    update(ob_document_check)
                    .where(
                        ob_document_check.c.application_id == application_id,
                        ob_document_check.c.item_code == item,
                    )
                    .values(**values)
                )
            trail.add(
                "onboarding.document.set",
                "ob_document_check",
                f"{application_id}/{item}",
                before,
                {"item_code": item, **values},
            )
        store.refresh_counts(conn, [application_id])
        return bool(
            conn.execute(
                select(ob_application.c.is_checklist_complete).where(
                    ob_application.c.application_id == application_id
                )
            ).scalar_one()
        )


def set_document(
    actor: User | None,
    application_id: str,
    item: str,
    state: str,
    note: str | None = None,
    *,
    session_id: str | None = None,
) -> bool:
    """Accept, reject or waive one checklist item; returns whether the checklist is complete."""
    return set_documents(actor, application_id, {item: (state, note)}, session_id=session_id)


def reason_codes(kind: str, language: str = "th") -> list[tuple[str, str]]:
    """(code, label) of the active reasons of a kind, for a select box."""
    label = ob_reason_code.c.label_th if language == "th" else ob_reason_code.c.label_en
    with store.read() as conn:
        return [
            (code, text)
            for code, text in conn.execute(
                select(ob_reason_code.c.reason_code, label)
                .where(ob_reason_code.c.kind == kind, ob_reason_code.c.is_active.is_(True))
                .order_by(ob_reason_code.c.sort_order, ob_reason_code.c.reason_code)
            )
        ]
