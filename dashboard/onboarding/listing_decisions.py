"""Decisions on listing versions: approve, reject or request changes (a managed reason for
the last two), one version at a time or the same decision on many, each one conditional
(``... WHERE status = 'pending'``) so two officers never both decide one version."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from dashboard.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from dashboard.identity import audit
from dashboard.identity.user import User
from dashboard.onboarding import scope, store
from dashboard.onboarding.listings import DECISIONS, REASON_KIND, listing_missing
from warehouse import limits
from warehouse.ops_schema_onboarding import ob_listing_version, ob_reason_code


def _decide_in(
    conn: Connection,
    actor: User | None,
    listing_id: str,
    version: int,
    decision: str,
    trail: audit.AuditTrail,
    reason_code: str | None,
    note: str | None,
) -> dict[str, Any]:
    if decision not in DECISIONS:
        raise ValidationFailed("onboarding.listing.unknown_decision", decision=decision)
    row = (
        conn.execute(
            select(ob_listing_version).where(
                ob_listing_version.c.listing_id == listing_id,
                ob_listing_version.c.version == version,
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        raise listing_missing(listing_id)
    row = dict(row)
    scope.require_act(actor, row["province_code"], listing_missing(listing_id))
    kind = REASON_KIND.get(decision)
    if kind:
        if (
            not reason_code
            or conn.execute(
                select(ob_reason_code.c.reason_code).where(
                    ob_reason_code.c.reason_code == reason_code,
                    ob_reason_code.c.kind == kind,
                    ob_reason_code.c.is_active.is_(True),
                )
            ).first()
            is None
        ):
            raise ValidationFailed(
                "onboarding.workflow.unknown_reason", reason_code=reason_code or ""
            )
    if note and len(note) > limits.NOTE:
        raise ValidationFailed("error.text_too_long", max=limits.NOTE)
    at = store.now()
    user_id, username = store.actor_fields(actor)
    values = {
        "status": DECISIONS[decision],
        "decided_at": at,
        "decided_by": user_id,
        "decided_by_name": username,
        "reason_code": reason_code,
        "decision_note": (note or "").strip() or None,
    }
    result = conn.execute(
        update(ob_listing_version)
        .where(
            ob_listing_version.c.listing_id == listing_id,
            ob_listing_version.c.version == version,
            ob_listing_version.c.status == "pending",
        )
        .values(**values)
    )
    if result.rowcount != 1:
        current = conn.execute(
            select(
                ob_listing_version.c.status,
                ob_listing_version.c.decided_by_name,
                ob_listing_version.c.decided_at,
            ).where(
                ob_listing_version.c.listing_id == listing_id,
                ob_listing_version.c.version == version,
            )
        ).one()
        raise Conflict(
            "onboarding.listing.conflict",
            listing_id=listing_id,
            status=current.status,
            by=current.decided_by_name or "",
            at=current.decided_at.isoformat(sep=" ") if current.decided_at else "",
        )
    if decision == "approve":
        # The newly approved version goes on sale; the one before it comes off.
        conn.execute(
            update(ob_listing_version)
            .where(
                ob_listing_version.c.listing_id == listing_id,
                ob_listing_version.c.version < version,
                ob_listing_version.c.status == "approved",
            )
            .values(status="superseded")
        )
    after = {**row, **values}
    trail.add(
        f"onboarding.listing.{decision}",
        "ob_listing_version",
        f"{listing_id}/{version}",
        row,
        after,
    )
    return after


def decide(
    actor: User | None,
    listing_id: str,
    version: int,
    decision: str,
    *,
    reason_code: str | None = None,
    note: str | None = None,
    session_id: str | None = None,
) -> dict[str, Any]:
    """Approve, reject (reason required) or request changes (reason required) on one version."""
    with store.write() as conn:
        trail = audit.AuditTrail(conn, actor, session_id)
        return _decide_in(conn, actor, listing_id, version, decision, trail, reason_code, note)


@dataclass(frozen=True)
class BulkListingResult:
    decided: list[tuple[str, int]]
    refused: dict[str, str]  # "listing_id/version" → message key


def bulk_decide(
    actor: User | None,
    items: Sequence[tuple[str, int]],
    decision: str,
    *,
    reason_code: str | None = None,
    note: str | None = None,
    session_id: str | None = None,
) -> BulkListingResult:
    """The same decision and reason on many versions; each one conditional on its own."""
    scope.acting_provinces(actor)
    decided, refused = [], {}
    for listing_id, version in items:
        try:
            decide(
                actor,
                listing_id,
                version,
                decision,
                reason_code=reason_code,
                note=note,
                session_id=session_id,
            )
        except (Conflict, NotFound, PermissionDenied, ValidationFailed) as exc:
            refused[f"{listing_id}/{version}"] = exc.key
        else:
            decided.append((listing_id, version))
    return BulkListingResult(decided, refused)
