"""Defects of the architecture review (issue #8, item 5), at the service level: a document
checklist is saved in one transaction, and who may decide on a listing is the service's
answer (``allowed_decisions``), not the page's guess."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from dashboard.errors import NotFound, ValidationFailed
from dashboard.identity.user import User
from dashboard.onboarding import checklist, listing_decisions, listings, store, workflow
from warehouse import ops
from warehouse.ops_schema import audit_log
from warehouse.ops_schema_onboarding import ob_document_check, ob_listing_version

from .helpers import new_application

# ------------------------------------------------------------------ checklist, one transaction


def _document_audit(application_id: str) -> list[tuple[str, str]]:
    with ops.read(ops.engine()) as conn:
        rows = conn.execute(
            select(audit_log.c.action, audit_log.c.entity_id)
            .where(
                audit_log.c.entity == "ob_document_check",
                audit_log.c.entity_id.like(f"{application_id}/%"),
            )
            .order_by(audit_log.c.id)
        ).all()
    return [tuple(r) for r in rows]


def _saved_documents(application_id: str) -> dict[str, str]:
    with ops.read(ops.engine()) as conn:
        rows = conn.execute(
            select(ob_document_check.c.item_code, ob_document_check.c.state).where(
                ob_document_check.c.application_id == application_id
            )
        ).all()
    return dict(rows)


@pytest.mark.parametrize(
    "third",
    [
        pytest.param(("not_a_document", ("accepted", None)), id="unknown document"),
        pytest.param(("member_list", ("lost", None)), id="unknown state"),
        pytest.param(("member_list", ("waived", "  ")), id="waiver without a note"),
    ],
)
def test_a_refused_item_saves_none_of_the_checklist(
    ops_settings,
    users: dict[str, User],
    app_data: Callable[..., dict[str, Any]],
    third: tuple[str, tuple[str, str | None]],
) -> None:
    officer = users["pn_a"]
    app_id = new_application(officer, app_data(), clean=False)
    items = {
        "id_card_copy": ("accepted", None),
        "bank_book_copy": ("accepted", "ตรงกับบัตร"),
        third[0]: third[1],
    }
    with pytest.raises(ValidationFailed):
        workflow.set_documents(officer, app_id, items)
    # Neither of the two good items before it was saved, and nothing was audited.
    assert _saved_documents(app_id) == {}
    assert _document_audit(app_id) == []
    app = workflow.get(officer, app_id)
    assert [i["state"] for i in app["checklist"]] == [None] * len(app["checklist"])
    assert not app["is_checklist_complete"]


def test_a_valid_checklist_saves_every_item_with_its_audit(
    ops_settings, users: dict[str, User], app_data: Callable[..., dict[str, Any]]
) -> None:
    officer = users["pn_a"]
    app_id = new_application(officer, app_data(), clean=False)
    required = checklist.required_documents("community_enterprise")
    items: dict[str, tuple[str | None, str | None]] = {i: ("accepted", None) for i in required}
    items["meeting_resolution"] = ("waived", "ประชุมทางไกล ส่งภายหลัง")
    assert workflow.set_documents(officer, app_id, items) is True
    expected = {i: "accepted" for i in required} | {"meeting_resolution": "waived"}
    assert _saved_documents(app_id) == expected
    assert _document_audit(app_id) == [
        ("onboarding.document.set", f"{app_id}/{i}") for i in required
    ]
    assert workflow.get(officer, app_id)["is_checklist_complete"]
    # The same checklist again changes nothing, so it writes no audit entry either.
    workflow.set_documents(officer, app_id, items)
    assert len(_document_audit(app_id)) == len(required)


# ------------------------------------------------------------------ listings: who may decide


def _pending_listing(listing_id: str, version: int = 1, province_code: str = "82") -> None:
    with store.write() as conn:
        conn.execute(
            ob_listing_version.insert().values(
                listing_id=listing_id,
                version=version,
                seller_id="S-PN",
                province_code=province_code,
                category_code="food",
                title_th=f"กะปิเคย {listing_id}",
                price_thb=95,
                status="pending",
                count_check_problems=0,
                submitted_at=store.now(),
            )
        )


def test_allowed_decisions_come_from_the_service(ops_settings, users: dict[str, User]) -> None:
    officer = users["pn_a"]
    for listing_id in ("L-PENDING", "L-APPROVED", "L-REJECTED"):
        _pending_listing(listing_id)
    listing_decisions.decide(officer, "L-APPROVED", 1, "approve")
    listing_decisions.decide(
        officer, "L-REJECTED", 1, "reject", reason_code="misleading", note="ไม่ใช่เคยแท้"
    )
    every = list(listings.DECISIONS)

    # The officer of the listing's province, on a pending version: every decision.
    assert listings.get_listing(officer, "L-PENDING")["allowed_decisions"] == every
    assert listings.get_listing(users["admin"], "L-PENDING")["allowed_decisions"] == every
    # A decided version: none, for the same officer.
    assert listings.get_listing(officer, "L-APPROVED")["allowed_decisions"] == []
    assert listings.get_listing(officer, "L-REJECTED")["allowed_decisions"] == []
    # The ministry reads every province and decides nothing.
    shown = listings.get_listing(users["ministry"], "L-PENDING")
    assert shown["shown"]["status"] == "pending"
    assert shown["allowed_decisions"] == []

    # An edit of the approved listing: its new version may be decided, the old one not.
    _pending_listing("L-APPROVED", version=2)
    assert listings.get_listing(officer, "L-APPROVED")["allowed_decisions"] == every
    assert listings.get_listing(officer, "L-APPROVED", 1)["allowed_decisions"] == []

    # An officer of another province cannot open it at all: the answer for a missing id.
    with pytest.raises(NotFound) as missing:
        listings.get_listing(users["bkk"], "L-NO-SUCH")
    with pytest.raises(NotFound) as elsewhere:
        listings.get_listing(users["bkk"], "L-PENDING")
    assert (elsewhere.value.key, elsewhere.value.params) == (
        missing.value.key,
        {"listing_id": "L-PENDING"},
    )
