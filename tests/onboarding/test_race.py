"""Two officers decide the same application at the same moment: one decision is recorded,
the other officer is told who decided and when. Every time, on SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable

from sqlalchemy import func, select

from dashboard.identity.user import User
from dashboard.onboarding import workflow
from warehouse import ops
from warehouse.ops_schema_onboarding import ob_application_event

from . import _race_worker
from .helpers import new_application

ROUNDS = 20


def _check_round(app_id: str, results: list[tuple[str, object]], a: User, b: User) -> None:
    outcomes = sorted(r[0] for r in results)
    assert outcomes == ["conflict", "ok"], results
    winner_is_a = results[0][0] == "ok"
    winner, loser_info = (a, results[1][1]) if winner_is_a else (b, results[0][1])
    assert loser_info["by"] == winner.username
    assert loser_info["at"]
    with ops.read(ops.engine()) as conn:
        decisions = conn.execute(
            select(func.count()).where(
                ob_application_event.c.application_id == app_id,
                ob_application_event.c.action.in_(["approve", "reject"]),
            )
        ).scalar_one()
    assert decisions == 1
    expected = "approved" if winner_is_a else "rejected"
    assert workflow.get(a, app_id)["status"] == expected


def _apps(officer: User, app_data: Callable[..., dict], n: int) -> list[str]:
    return [new_application(officer, app_data()) for _ in range(n)]


def _run(
    barrier: threading.Barrier,
    results: list,
    i: int,
    user: User,
    app_id: str,
    action: str,
    kwargs: dict,
) -> None:
    barrier.wait()
    results[i] = _race_worker.decide(user, app_id, action, kwargs)


def test_two_threads_one_decision(ops_db_url, users, app_data) -> None:
    a, b = users["pn_a"], users["pn_b"]
    for app_id in _apps(a, app_data, ROUNDS):
        barrier = threading.Barrier(2)
        results: list[tuple[str, object]] = [("", None), ("", None)]
        reject = {"reason_code": "not_eligible", "note": "race"}
        threads = [
            threading.Thread(target=_run, args=(barrier, results, 0, a, app_id, "approve", {})),
            threading.Thread(target=_run, args=(barrier, results, 1, b, app_id, "reject", reject)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        _check_round(app_id, results, a, b)


def test_two_processes_one_decision(ops_db_url, users, app_data) -> None:
    a, b = users["pn_a"], users["pn_b"]
    app_ids = _apps(a, app_data, ROUNDS)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    task_queues = [ctx.Queue(), ctx.Queue()]
    result_queues = [ctx.Queue(), ctx.Queue()]
    env = {k: v for k, v in os.environ.items() if k.startswith("POSTMART_")}
    procs = [
        ctx.Process(
            target=_race_worker.serve, args=(task_queues[i], result_queues[i], barrier, env)
        )
        for i in range(2)
    ]
    for p in procs:
        p.start()
    try:
        for q in result_queues:
            assert q.get(timeout=120)[0] == "ready"
        for app_id in app_ids:
            task_queues[0].put((a, app_id, "approve", {}))
            task_queues[1].put(
                (b, app_id, "reject", {"reason_code": "not_eligible", "note": "race"})
            )
            results = [q.get(timeout=60) for q in result_queues]
            _check_round(app_id, results, a, b)
    finally:
        for q in task_queues:
            q.put(None)
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    assert all(p.exitcode == 0 for p in procs)
