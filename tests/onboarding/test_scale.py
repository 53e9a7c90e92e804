"""Queue and office views of a province with 5,000 pending applications.

Run: .venv/bin/pytest tests/onboarding/test_scale.py -m slow -s -p no:cacheprovider
The same views as whole page runs: tests/app/test_scale_pages.py.
Prints the time of each interaction (no timing assert: machines differ); the target is
1 s per interaction on the project machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from dashboard.identity import authz
from dashboard.onboarding import bulk, office, queue, sheets, workflow
from dashboard.onboarding.queue import QueueFilter
from warehouse.lake import connect_reader

from .helpers import accept_documents, address, make_pin
from .lake import write_lake

PENDING = 5_000
APPROVED = 20
HEADER = (
    "seller_type,name_th,national_id,ce_registration_code,count_members,phone,bank_code,"
    "bank_account_no,province_code,district_code,subdistrict_code,postal_code,submitted_at"
)


def _sheet(province: str, n: int, offset: int) -> bytes:
    lines = [HEADER]
    n_districts = 5
    for i in range(n):
        k = offset + i
        a = address(province, i % n_districts)
        day = 1 + i % 28
        lines.append(
            f"community_enterprise,กลุ่มทดสอบ {k},{make_pin(f'3{k:011d}')},"
            f"4-{province}-01-01/1-{k % 10000:04d},"
            f"{7 + i % 20},08{k:08d},034,{k:012d},{a['province_code']},{a['district_code']},"
            f"{a['subdistrict_code']},{a['postal_code']},{day:02d}/{1 + i % 12:02d}/2568"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def _timed(label: str, fn: Callable[[], Any], runs: int = 5) -> Any:
    result = fn()  # first call warms caches and the connection pool
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    print(f"{label:<48} best {min(times) * 1000:7.1f} ms  worst {max(times) * 1000:7.1f} ms")
    return result


@pytest.mark.slow
def test_queue_and_office_views_of_5000_pending(sqlite_db, users) -> None:
    write_lake(
        fct_order=[{"order_id": "O1", "seller_id": "S-X", "status": "paid", "total_thb": 10}]
    )
    admin = authz.CLI_ACTOR
    t0 = time.perf_counter()
    for province, offset in (("82", 0), ("10", PENDING)):
        preview = sheets.preview_spreadsheet(
            admin, _sheet(province, PENDING, offset), f"{province}.csv"
        )
        assert len(preview.good) == PENDING, preview.bad[:3]
        sheets.confirm_import(admin, preview)
    print(f"\nimport of 2 × {PENDING} rows (preview + confirm): {time.perf_counter() - t0:.1f} s")

    officer = users["pn_a"]
    q = _timed("queue, all pending (82)", lambda: queue.queue(officer))
    assert q.height == PENDING
    district = address("82", 3)["district_code"]
    _timed(
        "queue, filtered by district",
        lambda: queue.queue(officer, QueueFilter(district_code=district)),
    )
    _timed("queue, only flagged", lambda: queue.queue(officer, QueueFilter(flagged=True)))
    _timed("queue, overdue only", lambda: queue.queue(officer, QueueFilter(overdue_only=True)))
    _timed("workload", lambda: queue.workload(officer))
    app_id = q["application_id"][0]
    _timed("open one application", lambda: workflow.get(officer, app_id))
    # A few approved sellers, so the office view's lake query has sellers to look up.
    for app_id in q["application_id"].tail(APPROVED).to_list():
        accept_documents(officer, app_id)
        workflow.approve(officer, app_id)
    lake = connect_reader()  # the app keeps one reader per process
    f = _timed("office view (with lake sales)", lambda: office.office_figures(officer, lake=lake))
    assert dict(f.by_status.rows()) == {"submitted": PENDING - APPROVED, "approved": APPROVED}
    assert f.sellers.height == APPROVED
    candidates = q["application_id"].head(50).to_list()
    _timed(
        "bulk approval confirmation listing (50)",
        lambda: bulk.bulk_approval_candidates(officer, candidates),
    )
