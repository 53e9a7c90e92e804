"""The review queue: scope, order, days waiting and overdue, filters, workload, bulk approval."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from dashboard.errors import PermissionDenied
from dashboard.onboarding import bulk, queue, workflow
from dashboard.onboarding.queue import QueueFilter
from dashboard.onboarding.store import now
from warehouse import ops
from warehouse.ops_schema_onboarding import ob_application

from .helpers import address, new_application


def _age(app_id: str, days: int) -> None:
    """Pretend the application arrived ``days`` ago (the queue's clock is its submitted_at)."""
    with ops.write(ops.engine()) as conn:
        conn.execute(
            update(ob_application)
            .where(ob_application.c.application_id == app_id)
            .values(submitted_at=now() - timedelta(days=days, hours=1))
        )


def test_queue_is_scoped_ordered_and_marks_overdue(sqlite_db, users, app_data) -> None:
    officer = users["pn_a"]
    old = new_application(officer, app_data())
    fresh = new_application(officer, app_data())
    middle = new_application(officer, app_data())
    other = new_application(users["bkk"], app_data("10"))
    _age(old, 9)
    _age(middle, 3)
    q = queue.queue(officer, target_days=7)
    assert q["application_id"].to_list() == [old, middle, fresh]
    assert q["days_waiting"].to_list() == [9, 3, 0]
    assert q["is_overdue"].to_list() == [True, False, False]
    assert other not in q["application_id"].to_list()
    assert queue.queue(users["bkk"])["application_id"].to_list() == [other]
    # Ministry sees every province; a branch manager nothing.
    assert set(queue.queue(users["ministry"])["application_id"]) == {old, fresh, middle, other}
    assert queue.queue(officer, QueueFilter(overdue_only=True), target_days=7)[
        "application_id"
    ].to_list() == [old]


def test_queue_filters(sqlite_db, users, app_data) -> None:
    officer = users["pn_a"]
    ce = new_application(officer, app_data())
    other_district = new_application(
        officer, app_data(**address("82", 2), seller_type="individual", ce_registration_code=None)
    )
    flagged = new_application(officer, app_data(national_id=app_data()["national_id"]))
    twin = new_application(
        users["bkk"], app_data("10", national_id=workflow.get(officer, flagged)["national_id"])
    )
    assert twin
    district = address("82", 2)["district_code"]
    assert queue.queue(officer, QueueFilter(district_code=district))[
        "application_id"
    ].to_list() == [other_district]
    assert queue.queue(officer, QueueFilter(seller_type="individual"))[
        "application_id"
    ].to_list() == [other_district]
    assert queue.queue(officer, QueueFilter(flagged=True))["application_id"].to_list() == [flagged]
    assert (
        flagged not in queue.queue(officer, QueueFilter(flagged=False))["application_id"].to_list()
    )
    workflow.transition(officer, ce, "start_review")
    assert queue.queue(officer, QueueFilter(statuses=("in_review",)))[
        "application_id"
    ].to_list() == [ce]


def test_workload_per_officer(sqlite_db, users, app_data) -> None:
    a, b = users["pn_a"], users["pn_b"]
    ids = [new_application(a, app_data()) for _ in range(3)]
    workflow.transition(a, ids[0], "start_review")
    workflow.transition(b, ids[1], "start_review")
    workflow.approve(b, ids[2])
    w = queue.workload(a)
    assert w.rows() == [("pn_officer_a", 1, 0), ("pn_officer_b", 1, 1)]


def test_bulk_approval_of_clean_applications(sqlite_db, users, app_data) -> None:
    officer = users["pn_a"]
    clean = [new_application(officer, app_data()) for _ in range(2)]
    incomplete = new_application(officer, app_data(), clean=False)
    bad = new_application(officer, app_data(count_members=3))
    other_province = new_application(users["bkk"], app_data("10"))
    wanted = [*clean, incomplete, bad, other_province]

    listing = bulk.bulk_approval_candidates(officer, wanted)
    assert listing.filter(listing["is_clean"])["application_id"].to_list() == sorted(clean)
    blockers = dict(zip(listing["application_id"], listing["blocker"], strict=True))
    assert blockers[incomplete] == "onboarding.workflow.blocked.checklist_incomplete"
    assert blockers[bad] == "onboarding.workflow.blocked.check_errors"
    assert other_province not in blockers  # not even listed

    result = bulk.bulk_approve(officer, wanted, note="ตรวจครบแล้ว")
    assert sorted(result.approved) == sorted(clean)
    assert set(result.refused) == {incomplete, bad, other_province}
    assert result.refused[other_province] == "onboarding.application.not_found"
    assert workflow.get(users["bkk"], other_province)["status"] == "submitted"
    with pytest.raises(PermissionDenied):
        bulk.bulk_approve(users["ministry"], clean)
