"""Bulk approval: the clean applications among those an officer picked, listed with why
the others are not before anything is done, then each approved on its own conditional
update, so one decided meanwhile by a colleague is reported, not allowed to undo the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import select

from dashboard.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from dashboard.identity.user import User
from dashboard.onboarding import scope, store
from dashboard.onboarding.workflow import (
    TRANSITIONS,
    approval_blockers,
    sync_seller_master,
    transition,
)
from warehouse.ops_schema_onboarding import ob_application


@dataclass(frozen=True)
class BulkResult:
    approved: list[str]
    refused: dict[str, str]  # application_id → message key of the reason


@dataclass(frozen=True)
class BulkCandidates:
    """The confirmation listing of a bulk approval, split for display."""

    frame: pl.DataFrame  # see bulk_approval_candidates

    @property
    def clean(self) -> list[dict[str, Any]]:
        return self.frame.filter(pl.col("is_clean")).to_dicts()

    @property
    def blocked(self) -> list[dict[str, Any]]:
        return self.frame.filter(~pl.col("is_clean")).to_dicts()

    @property
    def clean_ids(self) -> list[str]:
        return self.frame.filter(pl.col("is_clean"))["application_id"].to_list()


def bulk_approval_view(actor: User | None, application_ids: Sequence[str]) -> BulkCandidates:
    """The confirmation listing of a bulk approval, ready for the page."""
    return BulkCandidates(bulk_approval_candidates(actor, application_ids))


def bulk_approval_candidates(actor: User | None, application_ids: Sequence[str]) -> pl.DataFrame:
    """The confirmation listing: which of these would be approved, and why the others not."""
    provinces = scope.acting_provinces(actor)
    rows = []
    with store.read() as conn:
        for part in store.chunks(list(application_ids)):
            for r in conn.execute(
                select(ob_application).where(ob_application.c.application_id.in_(part))
            ).mappings():
                app = dict(r)
                if provinces is not None and app["province_code"] not in provinces:
                    continue  # not shown: another province's application is invisible
                blockers = approval_blockers(app)
                if app["status"] not in TRANSITIONS["approve"]:
                    blockers.insert(0, "onboarding.workflow.not_allowed")
                rows.append(
                    {
                        "application_id": app["application_id"],
                        "name_th": app["name_th"],
                        "province_code": app["province_code"],
                        "status": app["status"],
                        "is_clean": not blockers,
                        "blocker": blockers[0] if blockers else None,
                    }
                )
    schema = {
        "application_id": pl.Utf8,
        "name_th": pl.Utf8,
        "province_code": pl.Utf8,
        "status": pl.Utf8,
        "is_clean": pl.Boolean,
        "blocker": pl.Utf8,
    }
    return pl.DataFrame(rows, schema=schema).sort("application_id")


def bulk_approve(
    actor: User | None,
    application_ids: Sequence[str],
    *,
    note: str | None = None,
    session_id: str | None = None,
) -> BulkResult:
    """Approve the clean applications among these, each in its own conditional update.

    Each approval commits on its own so that one application decided meanwhile by a
    colleague is reported, not allowed to undo the rest.
    """
    scope.acting_provinces(actor)
    approved: list[str] = []
    refused: dict[str, str] = {}
    seller_ids: list[str] = []
    for application_id in application_ids:
        try:
            after = transition(
                actor,
                application_id,
                "approve",
                note=note,
                session_id=session_id,
                sync_master=False,
            )
        except (Conflict, ValidationFailed, NotFound, PermissionDenied) as exc:
            refused[application_id] = exc.key
        else:
            approved.append(application_id)
            seller_ids.append(after["seller_id"])
    # One seller-master sync for the whole batch, not one lake commit per approval.
    sync_seller_master(actor, "approve", seller_ids)
    return BulkResult(approved, refused)
