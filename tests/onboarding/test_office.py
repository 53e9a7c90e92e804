"""The office's view: by status, days to decision, reasons, district and month; sales."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from dashboard import home
from dashboard.onboarding import office, queue, workflow
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


def office_ids(user) -> set[str]:  # noqa: ANN001
    """The applications the office's queue holds for ``user``."""
    return set(queue.queue(user)["application_id"].to_list())


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
    # Sales are the goods value of paid orders in the home pages' 30 days, by the seller's
    # province: O4 is outside the window, O3 cancelled, shipping never counts.
    last = datetime(2025, 6, 30, 12)
    write_lake(
        dim_seller=[{"seller_id": s, "province_code": "82"} for s in (s1, s2)],
        fct_order=[
            {
                "order_id": "O1",
                "seller_id": s1,
                "status": "delivered",
                "ordered_at": last,
                "subtotal_thb": 250,
                "total_thb": 300,
            },
            {
                "order_id": "O2",
                "seller_id": s1,
                "status": "paid",
                "ordered_at": last - timedelta(days=5),
                "subtotal_thb": 100,
                "total_thb": 150,
            },
            {
                "order_id": "O3",
                "seller_id": s1,
                "status": "cancelled",
                "ordered_at": last,
                "subtotal_thb": 999,
                "total_thb": 999,
            },
            {
                "order_id": "O4",
                "seller_id": s2,
                "status": "paid",
                "ordered_at": last - timedelta(days=31),
                "subtotal_thb": 70,
                "total_thb": 90,
            },
        ],
    )

    f = office.office_figures(a)
    assert dict(f.by_status.rows()) == {"approved": 2, "rejected": 1, "submitted": 1}
    assert f.median_days_to_decision == pytest.approx(4.0)
    assert f.rejection_reasons.select("reason_code", "count").rows() == [("not_eligible", 1)]
    months = {r["month"].isoformat(): r for r in f.by_month.iter_rows(named=True)}
    assert months["2025-03-01"]["median_days_to_decision"] == pytest.approx(3.0)
    assert months["2025-04-01"]["count_decided"] == 1
    [district] = f.by_district.to_dicts()
    assert (district["count_applications"], district["count_open"]) == (4, 1)
    assert (district["count_approved"], district["count_rejected"]) == (2, 1)
    sales = {
        r["seller_id"]: (r["count_orders"], r["sales_thb"]) for r in f.sellers.iter_rows(named=True)
    }
    assert sales == {s1: (2, 350.0), s2: (0, 0.0)}
    assert f.sales_thb == 350.0
    assert f.sales_window == {"start": last - timedelta(days=30), "end": last}
    assert f.count_sellers == 2
    # Still waiting, and counted as submitted (the one other status the by-status saw).
    assert f.by_status.filter(f.by_status["status"] == "submitted")["count"].to_list() == [1]
    assert waiting in office_ids(a)
    # The home page and the office view: one definition of sales, one figure, for the
    # province (the officer) and for the country (the ministry).
    for user in (a, users["ministry"]):
        shown = {m.key: m.value for m in home.home_figures(user).metrics}
        assert shown["sales_thb_30d"] == office.office_figures(user).sales_thb == 350.0
    # A province outside the officer's scope, asked for by name: nothing, sales included.
    assert office.sales_scope(a, "10") == ()
    other = office.office_figures(a, province_code="10")
    assert (other.by_status.height, other.sales_thb, other.count_sellers) == (0, 0.0, 0)


def test_office_view_scope(sqlite_db, users, app_data) -> None:
    new_application(users["pn_a"], app_data())
    assert office.office_figures(users["bkk"], with_sales=False).by_status.height == 0
    assert office.office_figures(users["ministry"], with_sales=False).by_status["count"].sum() == 1
