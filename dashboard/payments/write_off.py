"""Four eyes on write-offs: a write-off above ``WRITE_OFF_APPROVAL_THB`` waits in
``pending_approval`` (``cases.resolve`` puts it there) until a second payments officer
approves it (resolved, written off) or rejects it (back to open). The officer who asked may
not decide it. Race-safe and audited like every case step (``cases._change``)."""

from __future__ import annotations

from typing import Any

from dashboard.errors import PermissionDenied
from dashboard.identity.user import User
from dashboard.onboarding.store import now
from dashboard.payments.cases import _actor, _change, _engine, _get, _note
from warehouse import ops
from warehouse.settings import Settings


def decide(
    actor: User | None,
    case_id: int,
    approve: bool,
    note: str | None = None,
    *,
    expected_version: int | None = None,
    settings: Settings | None = None,
    session_id: str | None = None,
) -> dict[str, Any]:
    """The second officer approves (resolved, written off) or rejects (back to open) a
    write-off; the officer who asked for it may not decide it."""
    user = _actor(actor, settings)
    text = _note(note, required=not approve)
    with ops.write(_engine(settings)) as conn:
        case = _get(conn, case_id)
        if case["status"] == "pending_approval" and case["requested_by"] == user.user_id:
            raise PermissionDenied("payments.case.four_eyes", case_id=case_id)
        if approve:
            values = {
                "status": "resolved",
                "resolved_by": user.user_id,
                "resolved_by_name": user.username,
                "closed_at": now(),
            }
        else:
            values = {
                "status": "open",
                "resolution_code": None,
                "requested_by": None,
                "requested_by_name": None,
            }
        return _change(
            conn,
            user,
            case_id,
            "approve_write_off" if approve else "reject_write_off",
            values,
            allowed_from=("pending_approval",),
            expected_version=expected_version,
            note=text,
            session_id=session_id,
        )
