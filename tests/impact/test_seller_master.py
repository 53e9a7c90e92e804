"""The seller master from the approvals: approve, suspend, reinstate, re-run; unknown sellers'
orders and payouts quarantined once the master exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.errors import PermissionDenied
from dashboard.identity import authz
from dashboard.impact import seller_master
from dashboard.onboarding import bulk, workflow
from etl.load import load_files
from tests.onboarding.helpers import application_factory, new_application
from warehouse.lake import connect_reader, connect_writer
from warehouse.settings import Settings


def _empty_lake(settings: Settings) -> Settings:
    with connect_writer(settings):
        pass
    return settings


@pytest.fixture
def both_lake(ops_settings: Settings) -> Settings:
    """An empty, migrated lake beside this test's ops DB (SQLite and PostgreSQL)."""
    return _empty_lake(ops_settings)


@pytest.fixture
def lake(sqlite_ops: Settings) -> Settings:
    """An empty, migrated lake beside a SQLite ops DB (a lake connection costs seconds on
    this machine: the rules that do not depend on the ops engine run once)."""
    return _empty_lake(sqlite_ops)


def _seller(seller_id: str) -> dict | None:
    con = connect_reader()
    try:
        cur = con.execute("select * from dim_seller where seller_id = ?", [seller_id])
        row = cur.fetchone()
        return dict(zip([d[0] for d in cur.description], row, strict=True)) if row else None
    finally:
        con.close()


def _snapshots() -> int:
    con = connect_reader()
    try:
        return con.execute("select count(*) from ducklake_snapshots('lake')").fetchone()[0]
    finally:
        con.close()


def test_approval_suspension_reinstatement_reach_the_master(both_lake, users) -> None:
    officer = users["pn_a"]
    make = application_factory()
    data = make(count_members=23, is_low_income=True)
    app_id = new_application(officer, data)
    assert _seller(f"S-{app_id}") is None

    workflow.approve(officer, app_id)
    row = _seller(f"S-{app_id}")
    assert row is not None
    assert row["status"] == "active"
    assert row["seller_type"] == "community_enterprise"
    assert row["count_members"] == 23
    assert row["is_low_income"] is True
    assert row["province_code"] == "82"
    assert row["district_code"] == data["district_code"]
    assert row["subdistrict_code"] == data["subdistrict_code"]
    assert row["postal_code"] == data["postal_code"]
    assert row["name_th"] == data["name_th"]
    assert row["approved_at"] is not None and row["updated_at"] is not None

    workflow.transition(officer, app_id, "suspend", reason_code="complaints", note="buyers")
    assert _seller(f"S-{app_id}")["status"] == "suspended"
    workflow.transition(officer, app_id, "reinstate", note="resolved")
    assert _seller(f"S-{app_id}")["status"] == "active"

    # Re-running changes nothing: no row, no snapshot.
    before = _snapshots()
    again = seller_master.sync_sellers(authz.CLI_ACTOR)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1)
    assert again.load_id is None
    assert _snapshots() == before


def test_a_sync_writes_what_changed_names_its_load_and_is_for_admins(
    lake, users, monkeypatch
) -> None:
    officer = users["pn_a"]
    make = application_factory()
    ids = [new_application(officer, make()) for _ in range(2)]
    # Sync manual (or the lake busy): the decisions stand, the master catches up later.
    monkeypatch.setenv("POSTMART_SELLER_SYNC", "manual")
    for app_id in ids:
        workflow.approve(officer, app_id)
    assert _seller(f"S-{ids[0]}") is None
    for who in ("pn_a", "ministry"):
        with pytest.raises(PermissionDenied):
            seller_master.sync_sellers(users[who])
    result = seller_master.sync_sellers(users["admin"])
    assert (result.inserted, result.updated, result.unchanged) == (2, 0, 0)
    con = connect_reader()
    try:
        feed, loaded = con.execute(
            "select feed, count_loaded from etl_load where load_id = ?", [result.load_id]
        ).fetchone()
    finally:
        con.close()
    assert (feed, loaded) == ("seller_master", 2)

    # A bulk approval syncs once for the batch: one snapshot, not one per seller.
    monkeypatch.setenv("POSTMART_SELLER_SYNC", "after_decisions")
    more = [new_application(officer, make()) for _ in range(2)]
    before = _snapshots()
    done = bulk.bulk_approve(officer, more)
    assert sorted(done.approved) == sorted(more)
    assert all(_seller(f"S-{i}")["status"] == "active" for i in more)
    assert _snapshots() == before + 1


ORDER_HEADER = (
    "order_id,seller_id,buyer_subdistrict_code,buyer_postal_code,buyer_province_code,"
    "ordered_at,status,payment_channel,service_code,count_items,subtotal_thb,"
    "shipping_fee_thb,discount_thb,total_thb,currency,updated_at"
)
PAYOUT_HEADER = (
    "payout_id,seller_id,period_start_on,period_end_on,scheduled_on,paid_at,count_orders,"
    "gross_thb,fee_thb,transfer_fee_thb,net_thb,bank_code,bank_account_no,status"
)


def _order(n: int, seller: str) -> str:
    return (
        f"ORD-T{n},{seller},820101,82000,82,2026-01-05 10:00:00,delivered,card,EMS,1,"
        "100.00,50.00,0.00,150.00,THB,2026-01-05 10:00:00"
    )


def _payout(n: int, seller: str) -> str:
    return (
        f"PT{n},{seller},2026-01-01,2026-01-31,2026-02-05,2026-02-05 10:00:00,3,300.00,"
        "0.00,30.00,270.00,034,778526682885,paid"
    )


def _write(path: Path, header: str, lines: list[str]) -> Path:
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _reasons(result) -> dict[str, int]:
    return dict(result.by_reason)


def test_orders_and_payouts_of_unknown_sellers_are_quarantined_once_the_master_exists(
    lake, users, tmp_path
) -> None:
    # Before the first sync the master is empty: nothing can be checked, nothing refused.
    first = load_files([_write(tmp_path / "orders_0.csv", ORDER_HEADER, [_order(0, "S-X")])])
    assert first[0].count_quarantined == 0 and "seller master is empty" in first[0].message

    officer = users["pn_a"]
    app_id = new_application(officer, application_factory()())
    workflow.approve(officer, app_id)
    known = f"S-{app_id}"
    orders = load_files(
        [_write(tmp_path / "orders_1.csv", ORDER_HEADER, [_order(1, known), _order(2, "S-NOBODY")])]
    )[0]
    assert (orders.count_loaded, orders.count_quarantined) == (1, 1)
    assert _reasons(orders) == {"unknown_seller": 1}
    payouts = load_files(
        [_write(tmp_path / "payouts_1.csv", PAYOUT_HEADER, [_payout(1, known), _payout(2, "S-NO")])]
    )[0]
    assert (payouts.count_loaded, payouts.count_quarantined) == (1, 1)
    assert _reasons(payouts) == {"unknown_seller": 1}
