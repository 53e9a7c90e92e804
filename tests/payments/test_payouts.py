"""Seller payouts on a hand-built lake: eligibility (delivered, past the return window,
less fees, refunds and chargebacks, less the transfer fee, above the minimum), every hold
rule, release, the payout run and its bank file (totals match, produced once), and a
bank return put back on hold."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from decimal import Decimal

import polars as pl
import pytest
from sqlalchemy import select

from dashboard.errors import Conflict, ValidationFailed
from dashboard.identity import audit
from dashboard.payments import after_load, payout_bank, payouts, trail
from warehouse import ops
from warehouse.lake import connect_reader, connect_writer
from warehouse.ops_schema import audit_log
from warehouse.ops_schema_payments import pay_payout
from warehouse.settings import Settings

from .helpers import breaks, sync

TODAY = dt.date(2026, 11, 20)
DELIVERED = dt.datetime(2026, 11, 10, 12)  # in the window, past the 7-day return window
# seller, status, bank, account, order total, extra
SELLERS = [
    ("S_OK", "active", "014", "1234567890", "1000.00", None),
    ("S_SUSP", "suspended", "014", "1234567891", "1000.00", None),
    ("S_BAD", "active", "014", "123456789", "1000.00", None),  # 9 digits at SCB
    ("S_SH1", "active", "004", "5555555555", "1000.00", None),
    ("S_SH2", "active", "004", "5555555555", "1000.00", None),
    ("S_RET", "active", "014", "1234567892", "1000.00", "returned"),
    ("S_SMALL", "active", "014", "1234567893", "150.00", None),
    ("S_CASE", "active", "014", "1234567894", "1000.00", None),
    ("S_CB", "active", "014", "1234567895", "1000.00", None),
]


@pytest.fixture
def lake(pay_lake: Settings, sqlite_ops: Settings) -> Settings:
    settings = dataclasses.replace(pay_lake, ops_db_url=sqlite_ops.ops_db_url)
    with connect_writer(settings) as con:
        con.execute("begin")
        for i, (sid, status, bank, account, total, extra) in enumerate(SELLERS):
            con.execute(
                "insert into dim_seller (seller_id, name_th, status, bank_code, bank_account_no, "
                "province_code) values (?, ?, ?, ?, ?, '82')",
                [sid, f"ผู้ขาย {sid}", status, bank, account],
            )
            order = f"O{i}"
            con.execute(
                "insert into fct_order (order_id, seller_id, ordered_at, status, payment_channel,"
                " total_thb, subtotal_thb, currency) values (?, ?, ?, 'delivered', 'promptpay',"
                " ?, ?, 'THB')",
                [order, sid, DELIVERED - dt.timedelta(days=2), Decimal(total), Decimal(total)],
            )
            con.execute(
                "insert into fct_shipment (tracking_no, order_id, is_cod, delivered_at, "
                "is_returned) values (?, ?, false, ?, false)",
                [f"T{i}", order, DELIVERED],
            )
            fee = (Decimal(total) * Decimal("0.0365")).quantize(Decimal("0.01"))
            vat = (fee * Decimal("0.07")).quantize(Decimal("0.01"))
            con.execute(
                "insert into fct_settlement (transaction_id, settlement_batch_id, gateway, "
                "merchant_order_ref, txn_type, settled_on, gross_thb, fee_thb, fee_vat_thb, "
                "net_thb) values (?, 'B1', '2C2P', ?, 'charge', ?, ?, ?, ?, ?)",
                [
                    f"X{i}",
                    order,
                    DELIVERED.date(),
                    Decimal(total),
                    fee,
                    vat,
                    Decimal(total) - fee - vat,
                ],
            )
            if extra == "returned":
                con.execute(
                    "insert into fct_order (order_id, seller_id, ordered_at, status, total_thb, "
                    "currency) values (?, ?, ?, 'returned', 100, 'THB')",
                    [f"R{i}", sid, DELIVERED],
                )
        # S_OK had a partial refund of 100.00
        con.execute(
            "insert into fct_payment (transaction_id, order_id, gateway, channel, txn_type, "
            "status, paid_at, amount_thb) values ('RF0', 'O0', '2C2P', 'promptpay', 'refund',"
            " 'success', ?, 100)",
            [DELIVERED],
        )
        con.execute("commit")
    return settings


def _schedule(settings, officer):
    con = connect_reader(settings)
    try:
        return payouts.schedule(officer, con, today=TODAY, settings=settings)[1]
    finally:
        con.close()


def _by_seller(df) -> dict:
    return {r["seller_id"]: r for r in df.iter_rows(named=True)}


def test_eligibility_and_every_hold_rule(lake, make_user) -> None:
    officer, _ = make_user("payments_officer")
    # One reconciliation run: an open break on S_CASE's orders, a chargeback on S_CB's.
    found = breaks(("missing_settlement", "Z1", "10.00"), ("chargeback", "Z2", "10.00"))
    sync(found.with_columns(seller_id=pl.Series(["S_CASE", "S_CB"])))
    got = _by_seller(_schedule(lake, officer))
    ok = got["S_OK"]
    # 1,000.00 − fee 36.50 − VAT 2.56 − refund 100.00 − transfer fee 30.00
    assert ok["net_thb"] == Decimal("830.94") and ok["status"] == "scheduled"
    assert got["S_SMALL"]["status"] == "below_minimum"
    expect = {
        "S_SUSP": ["seller_suspended"],
        "S_BAD": ["bad_bank_account"],
        "S_SH1": ["shared_bank_account"],
        "S_SH2": ["shared_bank_account"],
        "S_RET": ["returned_parcel"],
        "S_CASE": ["open_break"],
        "S_CB": ["chargeback"],
    }
    for seller, reasons in expect.items():
        assert (got[seller]["status"], got[seller]["hold_reasons"]) == ("held", reasons), seller


def test_manual_hold_release_run_bank_file_and_a_return(lake, make_user) -> None:
    officer, _ = make_user("payments_officer")
    hold = payouts.place_hold(
        officer,
        "S_OK",
        "investigation",
        "ผู้ซื้อร้องเรียน",
        TODAY + dt.timedelta(days=7),
        settings=lake,
    )
    assert _by_seller(_schedule(lake, officer))["S_OK"]["hold_reasons"] == ["investigation"]
    payouts.release_hold(officer, hold, "ตรวจสอบแล้ว ไม่พบปัญหา", settings=lake)
    with pytest.raises(Conflict):
        payouts.release_hold(officer, hold, "again", settings=lake)

    con = connect_reader(lake)
    try:
        # Weekly on the run day (Friday by default): on Thursday nothing is paid, and the
        # officer is told the next run day.
        with pytest.raises(ValidationFailed) as refused:
            payouts.run(officer, con, today=TODAY - dt.timedelta(days=1), settings=lake)
        assert refused.value.key == "payments.payout.not_run_day"
        assert refused.value.params["next_on"] == TODAY.isoformat()
        assert payouts.runs(officer, settings=lake).is_empty()
        run = payouts.run(officer, con, today=TODAY, settings=lake)
        with pytest.raises(Conflict):
            payouts.run(officer, con, today=TODAY, settings=lake)
        # The seller's money trail names the run's payout (ops DB), not the lake's history.
        money = trail.money_trail(officer, con, "S_OK", settings=lake)
        assert money["payout_run_id"].to_list() == [run["run_id"]]
        assert money["payout_id"][0].startswith(f"PR{run['run_id']:05d}-")
        assert money["payout_status"].to_list() == ["sent"]
    finally:
        con.close()
    name, data = payout_bank.bank_file(officer, run["run_id"], settings=lake)
    assert payout_bank.bank_file(officer, run["run_id"], settings=lake) == (name, data)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    details = [r for r in rows if r[0] == "D"]
    trailer = rows[-1]
    assert trailer[0] == "T" and int(trailer[1]) == len(details) == run["count_payouts"]
    assert Decimal(trailer[2]) == sum(Decimal(r[4]) for r in details) == run["total_thb"]
    assert {r[5] for r in details} == {"S_OK", "S_CASE", "S_CB"}  # no case in this test

    # The bank returns S_OK's payout: it comes back on hold with its money.
    ok_line = next(r for r in details if r[5] == "S_OK")
    payout_id = ok_line[1]
    with connect_writer(lake) as w:
        w.execute(
            "insert into fct_payout_return (payout_id, returned_on, amount_thb, reason_code) "
            "values (?, ?, ?, 'account_closed')",
            [payout_id, TODAY, Decimal(ok_line[4])],
        )
    # a load of the returns feed applies them (no reconciliation: not a money feed)
    assert after_load.after_load(officer, {"payout_returns"}, settings=lake) is None
    assert payout_bank.apply_returns(officer, settings=lake) == 0  # already applied
    with ops.read(ops.engine(lake)) as conn:
        status = conn.execute(
            select(pay_payout.c.status).where(pay_payout.c.payout_id == payout_id)
        ).scalar_one()
        audited = conn.execute(
            select(audit_log.c.entity_id).where(audit_log.c.action == "payments.hold.bank_return")
        ).scalars()
        assert (status, len(list(audited))) == ("returned", 1)
    assert audit.verify(lake).ok
    _schedule(lake, officer)
    held = payouts.holds(officer, settings=lake)
    back = held.filter(held["seller_id"] == "S_OK")
    assert back["reason_code"].to_list() == ["bank_returned"]
    assert back["amount_thb"].to_list() == [float(ok_line[4])]


def test_the_run_day_follows_the_weekday_setting(lake, make_user) -> None:
    officer, _ = make_user("payments_officer")
    thursday = dataclasses.replace(lake, payout_weekday="thu")
    con = connect_reader(lake)
    try:
        w = payouts.window(con, thursday, TODAY)  # a Friday: the next run is next Thursday
        assert (w.run_on, w.is_run_day) == (TODAY + dt.timedelta(days=6), False)
        with pytest.raises(ValidationFailed):
            payouts.run(officer, con, today=TODAY, settings=thursday)
        done = payouts.run(officer, con, today=TODAY + dt.timedelta(days=6), settings=thursday)
        assert done["through_on"] == TODAY - dt.timedelta(days=1)  # the run day less 7
        with pytest.raises(ValidationFailed) as bad:
            payouts.window(con, dataclasses.replace(lake, payout_weekday="someday"), TODAY)
        assert bad.value.key == "payments.payout.bad_weekday"
    finally:
        con.close()
