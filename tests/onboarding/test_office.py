"""The office's view: by status, days to decision, reasons, district and month; sales."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from dashboard.onboarding import office, workflow
from warehouse import ops
from warehouse.ops_schema_onboarding import ob_application

from .helpers import new_application
from .lake import write_lake


def _backdate(app_id: str, submitted: datetime, decided: datetime | None) -> None:
    with ops.write(ops.engine()) as conn:
        conn.execute(
            update(ob_application)
            .where(ob_application.c.application_id == app_id)
            .values(submitted_at=submitted, decided_at=decided)
        )


def test_office_figures(sqlite_db, users, app_data) -> None:
    a = users["pn_a"]
    ok1, ok2, no, waiting = (new_application(a, app_data()) for _ in range(4))
    new_application(users["bkk"], app_data("10"))  # another province: not counted
    s1 = workflow.approve(a, ok1)["seller_id"]
    s2 = workflow.approve(a, ok2)["seller_id"]
    workflow.reject(a, no, "not_eligible", "นอกพื้นที่")
    d0 = datetime(2025, 3, 1, 9)
    _backdate(ok1, d0, d0 + timedelta(days=2))
    _backdate(ok2, d0, d0 + timedelta(days=4))
    _backdate(no, d0 + timedelta(days=31), d0 + timedelta(days=40))
    write_lake(
        fct_order=[
            {"order_id": "O1", "seller_id": s1, "status": "delivered", "total_thb": 250},
            {"order_id": "O2", "seller_id": s1, "status": "paid", "total_thb": 100},
            {"order_id": "O3", "seller_id": s1, "status": "cancelled", "total_thb": 999},
        ]
    )

    f = office.office_figures(a)
    assert dict(f.by_status.rows()) == {"approved": 2, "rejected": 1, "submitted": 1}
    assert f.median_days_to_decision == pytest.approx(4.0)
    assert f.rejection_reasons.select("reason_code", "count").rows() == [("not_eligible", 1)]
    months = {r["month"].isoformat(): r for r in f.by_month.iter_rows(named=True)}
    assert months["2025-03-01"]["median_days_to_decision"] == pytest.approx(3.0)
    assert months["2025-04-01"]["count_decided"] == 1
    assert f.by_district["count_applications"].sum() == 4
    sales = {
        r["seller_id"]: (r["count_orders"], r["sales_thb"]) for r in f.sellers.iter_rows(named=True)
    }
    assert sales == {s1: (2, 350.0), s2: (0, 0.0)}
    assert waiting


def test_office_view_scope(sqlite_db, users, app_data) -> None:
    new_application(users["pn_a"], app_data())
    assert office.office_figures(users["bkk"], with_sales=False).by_status.height == 0
    assert office.office_figures(users["ministry"], with_sales=False).by_status["count"].sum() == 1
