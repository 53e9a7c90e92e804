"""The workflow state machine, table-driven, and the workflow on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from dashboard.errors import AppError, Conflict, NotFound, PermissionDenied, ValidationFailed
from dashboard.onboarding import workflow
from dashboard.onboarding.workflow import TRANSITIONS, next_status
from warehouse import ops
from warehouse.ops_schema import audit_log

from .helpers import new_application

ALLOWED = [(frm, action, to) for action, moves in TRANSITIONS.items() for frm, to in moves.items()]


@pytest.mark.parametrize(
    ("current", "action", "expected"),
    [
        ("submitted", "start_review", "in_review"),
        ("in_review", "request_information", "needs_information"),
        ("needs_information", "resubmit", "resubmitted"),
        ("resubmitted", "request_information", "needs_information"),  # ⇄
        ("resubmitted", "start_review", "in_review"),
        ("in_review", "approve", "approved"),
        ("resubmitted", "reject", "rejected"),
        ("approved", "suspend", "suspended"),
        ("suspended", "reinstate", "approved"),
    ],
)
def test_allowed_transitions(current: str, action: str, expected: str) -> None:
    assert next_status(current, action) == expected


@pytest.mark.parametrize(
    ("current", "action"),
    [
        ("approved", "approve"),
        ("rejected", "approve"),
        ("approved", "reject"),
        ("needs_information", "approve"),  # the seller must answer first
        ("submitted", "resubmit"),
        ("submitted", "suspend"),
        ("rejected", "reinstate"),
        ("in_review", "fly"),
    ],
)
def test_refused_transitions(current: str, action: str) -> None:
    with pytest.raises(ValidationFailed):
        next_status(current, action)


def test_every_status_is_reachable_and_final_ones_are_final() -> None:
    reached = {to for _frm, _a, to in ALLOWED} | {"submitted"}
    assert reached == set(workflow.STATUSES)
    assert workflow.allowed_actions("rejected") == []


def _audit_entries(application_id: str) -> list[dict]:
    with ops.read(ops.engine()) as conn:
        rows = conn.execute(
            select(
                audit_log.c.action,
                audit_log.c.before_json,
                audit_log.c.after_json,
                audit_log.c.username,
            )
            .where(audit_log.c.entity_id == application_id)
            .order_by(audit_log.c.id)
        ).all()
    return [
        {
            "action": a,
            "before": json.loads(b) if b else None,
            "after": json.loads(f) if f else None,
            "username": u,
        }
        for a, b, f, u in rows
    ]


def test_full_path_is_audited_with_before_and_after(ops_db_url, users, app_data) -> None:
    officer = users["pn_a"]
    app_id = new_application(officer, app_data())
    workflow.transition(officer, app_id, "start_review")
    workflow.transition(officer, app_id, "request_information", note="ขอสำเนาสมุดบัญชี")
    workflow.transition(officer, app_id, "resubmit", note="ได้รับแล้ว")
    workflow.transition(officer, app_id, "start_review")
    after = workflow.approve(officer, app_id)
    assert after["status"] == "approved" and after["seller_id"] == f"S-{app_id}"
    workflow.transition(
        officer, app_id, "suspend", reason_code="complaints", note="ผู้ซื้อร้องเรียน 3 ราย"
    )
    workflow.transition(officer, app_id, "reinstate", note="ชี้แจงแล้ว")

    entries = [
        e for e in _audit_entries(app_id) if e["action"].startswith("onboarding.application.")
    ]
    steps = [(e["before"]["status"], e["after"]["status"]) for e in entries if e["before"]]
    assert steps == [
        ("submitted", "in_review"),
        ("in_review", "needs_information"),
        ("needs_information", "resubmitted"),
        ("resubmitted", "in_review"),
        ("in_review", "approved"),
        ("approved", "suspended"),
        ("suspended", "approved"),
    ]
    assert {e["username"] for e in entries} == {"pn_officer_a"}
    shown = workflow.get(officer, app_id)
    assert [e["action"] for e in shown["events"]][-2:] == ["suspend", "reinstate"]


def test_reject_needs_a_managed_reason_and_a_note(ops_db_url, users, app_data) -> None:
    officer = users["pn_a"]
    app_id = new_application(officer, app_data())
    with pytest.raises(ValidationFailed) as exc:
        workflow.reject(officer, app_id, "", "note")
    assert exc.value.key == "onboarding.workflow.reason_required"
    with pytest.raises(ValidationFailed) as exc:
        workflow.reject(officer, app_id, "made_up_reason", "note")
    assert exc.value.key == "onboarding.workflow.unknown_reason"
    with pytest.raises(ValidationFailed) as exc:
        workflow.reject(officer, app_id, "not_eligible", "  ")
    assert exc.value.key == "onboarding.workflow.note_required"
    done = workflow.reject(officer, app_id, "not_eligible", "ไม่ใช่ผู้ผลิตในพื้นที่")
    assert (done["status"], done["reason_code"], done["decided_by_name"]) == (
        "rejected",
        "not_eligible",
        "pn_officer_a",
    )


def test_approval_refused_until_documents_complete(ops_db_url, users, app_data) -> None:
    officer = users["pn_a"]
    app_id = new_application(officer, app_data(), clean=False)
    with pytest.raises(ValidationFailed) as exc:
        workflow.approve(officer, app_id)
    assert exc.value.key == "onboarding.workflow.blocked.checklist_incomplete"
    for item in ("id_card_copy", "bank_book_copy", "ce_registration_certificate", "member_list"):
        workflow.set_document(officer, app_id, item, "accepted")
    assert (
        workflow.set_document(officer, app_id, "meeting_resolution", "waived", "ประชุมครั้งหน้า")
        is True
    )
    assert workflow.approve(officer, app_id)["status"] == "approved"


def test_application_with_failing_checks_cannot_be_approved(ops_db_url, users, app_data) -> None:
    officer = users["pn_a"]
    app_id = new_application(officer, app_data(count_members=5))
    app = workflow.get(officer, app_id)
    failing = [c["key"] for c in app["checks"] if not c["ok"]]
    assert failing == ["onboarding.check.members.too_few"]
    with pytest.raises(ValidationFailed) as exc:
        workflow.approve(officer, app_id)
    assert exc.value.key == "onboarding.workflow.blocked.check_errors"


def test_second_decision_is_a_conflict_naming_who_and_when(ops_db_url, users, app_data) -> None:
    app_id = new_application(users["pn_a"], app_data())
    workflow.approve(users["pn_a"], app_id)
    with pytest.raises(Conflict) as exc:
        workflow.reject(users["pn_b"], app_id, "not_eligible", "late")
    assert exc.value.params["by"] == "pn_officer_a"
    assert exc.value.params["status"] == "approved"
    assert exc.value.params["at"]


def test_stale_screen_is_a_conflict(ops_db_url, users, app_data) -> None:
    app_id = new_application(users["pn_a"], app_data())
    workflow.transition(users["pn_b"], app_id, "start_review")
    with pytest.raises(Conflict) as exc:
        workflow.approve(users["pn_a"], app_id, expected_status="submitted")
    assert exc.value.params["by"] == "pn_officer_b"


def _answer(call, *args):  # noqa: ANN001, ANN202
    """What a refused call answers: the error's class and message key."""
    with pytest.raises(AppError) as exc:
        call(*args)
    return type(exc.value), exc.value.key


def test_scope_officer_of_another_province_neither_sees_nor_acts(
    ops_db_url, users, app_data
) -> None:
    app_id = new_application(users["pn_a"], app_data())
    bkk = users["bkk"]
    # Another province's application answers exactly as one that does not exist, so an
    # officer cannot learn which ids exist elsewhere.
    for call, args in (
        (workflow.get, ()),
        (workflow.approve, ()),
        (workflow.set_document, ("id_card_copy", "accepted")),
    ):
        elsewhere = _answer(call, bkk, app_id, *args)
        assert elsewhere == _answer(call, bkk, "OF-82-NO-SUCH-ID", *args)
        assert elsewhere == (NotFound, "onboarding.application.not_found")
    # Ministry sees, never acts; an admin acts anywhere.
    assert workflow.get(users["ministry"], app_id)["allowed_actions"] == []
    with pytest.raises(PermissionDenied) as exc:
        workflow.approve(users["ministry"], app_id)
    assert exc.value.key == "onboarding.scope.read_only"
    assert workflow.approve(users["admin"], app_id)["decided_by_name"] == "admin_user"


def test_disabled_officer_cannot_act_with_an_old_session(ops_db_url, users, app_data) -> None:
    from dashboard.admin import accounts
    from dashboard.identity import authz

    app_id = new_application(users["pn_a"], app_data())
    accounts.set_active(authz.CLI_ACTOR, users["pn_b"].user_id, False)
    with pytest.raises(PermissionDenied):
        workflow.approve(users["pn_b"], app_id)
