"""The exception queue: assign, comment, resolve, four eyes on big write-offs, audit with
before/after, and two officers racing on one case (threads and processes), on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import threading

import polars as pl
import pytest
from sqlalchemy import select

from dashboard import export
from dashboard.errors import Conflict, PermissionDenied, ValidationFailed
from dashboard.payments import cases, queue, write_off
from warehouse import ops
from warehouse.ops_schema import audit_log

from . import _race_worker
from .helpers import breaks, sync

ROUNDS = 8


@pytest.fixture
def officers(ops_settings, make_user):
    a, _ = make_user("payments_officer", username="pay.a")
    b, _ = make_user("payments_officer", username="pay.b")
    return a, b


def _ids() -> dict[str, int]:
    from warehouse.ops_schema_payments import pay_case

    with ops.read(ops.engine()) as conn:
        return dict(conn.execute(select(pay_case.c.ref, pay_case.c.case_id)).all())


def test_assign_comment_and_resolve_are_audited_with_before_and_after(officers) -> None:
    a, b = officers
    sync(breaks(("missing_settlement", "T1", "500.00"), ("chargeback", "T2", "900.00")))
    ids = _ids()
    assert cases.assign(a, ids.values(), "pay.b") == 2
    cases.comment(b, ids["T1"], "asked 2C2P for the line")
    done = cases.resolve(b, ids["T1"], "matched_by_hand", matched_ref="2C2P-20261105-01:T1")
    assert (done["status"], done["resolution_code"]) == ("resolved", "matched_by_hand")
    shown = queue.queue(a)
    assert shown["case_id"].to_list() == [ids["T2"]]
    assert shown["assignee_name"].to_list() == ["pay.b"]
    with ops.read(ops.engine()) as conn:
        entry = (
            conn.execute(select(audit_log).where(audit_log.c.action == "payments.case.resolve"))
            .mappings()
            .one()
        )
    assert json.loads(entry["before_json"])["status"] == "open"
    assert json.loads(entry["after_json"])["status"] == "resolved"
    assert [h for h in cases.history(a, ids["T1"])["action"]] == [
        "opened",
        "assign",
        "comment",
        "resolve",
    ]
    with pytest.raises(ValidationFailed):
        cases.resolve(a, ids["T2"], "matched_by_hand")  # which record?


def test_a_big_write_off_needs_a_second_officer(officers, monkeypatch) -> None:
    a, b = officers
    monkeypatch.setenv("POSTMART_WRITE_OFF_APPROVAL_THB", "1000")
    sync(breaks(("orphan_credit", "ST1", "1500.00"), ("orphan_credit", "ST2", "999.00")))
    ids = _ids()
    small = cases.resolve(a, ids["ST2"], "written_off", "below the limit")
    assert small["status"] == "resolved"
    asked = cases.resolve(a, ids["ST1"], "written_off", "unknown transfer, 90 days")
    assert asked["status"] == "pending_approval"
    with pytest.raises(PermissionDenied):
        write_off.decide(a, ids["ST1"], approve=True)
    approved = write_off.decide(b, ids["ST1"], approve=True)
    assert (approved["status"], approved["resolved_by_name"]) == ("resolved", "pay.b")


def test_a_case_the_officer_resolved_stays_resolved_on_a_rerun(officers) -> None:
    a, _ = officers
    found = breaks(("late_settlement", "T9", "80.00"))
    sync(found)
    cases.resolve(a, _ids()["T9"], "not_a_break", "the gateway's holiday")
    rerun = sync(found)
    assert not rerun.changed
    assert cases.get(a, _ids()["T9"])["status"] == "resolved"


def test_the_queue_exports_as_csv_with_formulas_neutralised(officers) -> None:
    a, _ = officers
    sync(breaks(("orphan_settlement", "=HYPERLINK(1)", "10.00")))
    data = export.csv_bytes(queue.queue(a))
    assert "'=HYPERLINK(1)" in data.decode("utf-8-sig")


def test_the_queue_pages_through_every_case_once_with_the_selections_totals(officers) -> None:
    a, _b = officers
    found = breaks(*[("missing_settlement", f"T{i}", f"{100 + i}.00") for i in range(7)])
    days = [dt.date(2026, 11, 2) + dt.timedelta(days=3 * i) for i in range(7)]
    sync(found.with_columns(occurred_on=pl.Series(days), due_on=pl.Series(days)))
    every = queue.QueueFilter(status="all")
    whole = queue.queue(a, every)
    assert whole.height == 7
    n = -(-whole.height // 2)
    pages = [queue.queue_page(a, every, i, page_size=2) for i in range(n)]
    assert pl.concat([p.rows for p in pages]).equals(whole)  # in order, none twice
    assert {(p.total, p.pages) for p in pages} == {(whole.height, n)}
    assert pages[0].amount_thb == pytest.approx(whole["amount_thb"].sum())
    past_the_end = queue.queue_page(a, every, n + 5, page_size=2)
    assert past_the_end.page == n - 1 and past_the_end.rows.equals(pages[-1].rows)
    # "at least n days old" is asked of the database, the same as of the rows
    today = whole["occurred_on"].max() + dt.timedelta(days=3)
    ages = queue.queue(a, every, today=today)["age_days"]
    cut = int(ages.median())
    old = queue.QueueFilter(status="all", min_age_days=cut)
    older = queue.queue_page(a, old, today=today)
    assert older.total == (ages >= cut).sum() < whole.height
    assert older.rows["age_days"].min() >= cut


def test_other_roles_may_not_work_the_queue(ops_settings, make_user) -> None:
    ministry, _ = make_user("ministry")
    with pytest.raises(PermissionDenied):
        queue.queue(ministry)


def _check(results: list, a, b) -> None:
    outcomes = sorted(r[0] for r in results)
    assert outcomes == ["conflict", "ok"], results
    winner = a if results[0][0] == "ok" else b
    loser = results[1][1] if results[0][0] == "ok" else results[0][1]
    assert loser["by"] == winner.username and loser["at"]


def test_two_threads_one_resolution(officers) -> None:
    a, b = officers
    sync(breaks(*[("missing_settlement", f"R{i}", "100.00") for i in range(ROUNDS)]))
    for case_id in _ids().values():
        barrier = threading.Barrier(2)
        results: list = [None, None]

        def go(i, user, code, case_id=case_id, barrier=barrier, results=results) -> None:
            barrier.wait()
            results[i] = _race_worker.resolve(user, case_id, code)

        threads = [
            threading.Thread(target=go, args=(0, a, "refunded")),
            threading.Thread(target=go, args=(1, b, "escalated")),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        _check(results, a, b)


def test_two_processes_one_resolution(officers) -> None:
    a, b = officers
    sync(breaks(*[("missing_settlement", f"P{i}", "100.00") for i in range(ROUNDS)]))
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    tasks, results = [ctx.Queue(), ctx.Queue()], [ctx.Queue(), ctx.Queue()]
    env = {k: v for k, v in os.environ.items() if k.startswith("POSTMART_")}
    procs = [
        ctx.Process(target=_race_worker.serve, args=(tasks[i], results[i], barrier, env))
        for i in range(2)
    ]
    for p in procs:
        p.start()
    try:
        for q in results:
            assert q.get(timeout=120)[0] == "ready"
        for case_id in _ids().values():
            tasks[0].put((a, case_id, "refunded"))
            tasks[1].put((b, case_id, "escalated"))
            _check([q.get(timeout=60) for q in results], a, b)
    finally:
        for q in tasks:
            q.put(None)
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    with pytest.raises(Conflict):
        cases.resolve(a, next(iter(_ids().values())), "refunded", "again")
