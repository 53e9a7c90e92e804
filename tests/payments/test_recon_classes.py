"""Every break class from hand-written feed files, and a break the data resolves closing its
case with that reason on the next run."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy import select

from dashboard.identity.user import CLI_ACTOR
from dashboard.payments import recon
from etl.feeds.fixed_width import BillPayment, write_bill_payment
from etl.load.loader import load_files
from tests.etl.helpers import write_csv
from warehouse import ops
from warehouse.lake import connect_reader, connect_writer
from warehouse.ops_schema_payments import pay_case
from warehouse.settings import Settings

AS_OF = dt.date(2026, 11, 20)
CENT = Decimal("0.01")


def _r(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def _fee(gross: Decimal, pct: str = "3.65") -> tuple[Decimal, Decimal]:
    fee = _r(gross * Decimal(pct) / 100)
    return fee, _r(fee * Decimal("0.07"))


# transaction, gateway, order, type, gross, settled_on, batch, fee rate
LINES = [
    ("T1", "2C2P", "O1", "charge", "1000.00", "2026-11-03", "2C2P-20261103-01", "3.65"),
    ("T3", "Opn", "O3", "charge", "800.00", "2026-11-09", "OPN-20261109-02", "3.65"),
    ("T4", "2C2P", "O4", "charge", "1150.00", "2026-11-03", "2C2P-20261103-01", "3.65"),
    ("T5", "2C2P", "O5", "charge", "2000.00", "2026-11-03", "2C2P-20261103-01", "3.95"),
    ("T6a", "2C2P", "O6", "charge", "300.00", "2026-11-03", "2C2P-20261103-01", "3.65"),
    ("T6b", "2C2P", "O6", "charge", "300.00", "2026-11-03", "2C2P-20261103-01", "3.65"),
    ("T7", "2C2P", "O7", "charge", "400.00", "2026-11-03", "2C2P-20261103-01", "3.65"),
    ("TORPH", "2C2P", "O1", "charge", "100.00", "2026-11-03", "2C2P-20261103-01", "3.65"),
    ("T8", "GB Prime Pay", "O8", "charge", "600.00", "2026-11-04", "GBP-20261104-01", "3.65"),
    ("T9r", "2C2P", "O9", "refund", "-250.00", "2026-11-03", "2C2P-20261103-01", "0"),
    ("T10", "2C2P", "O10", "charge", "900.00", "2026-11-03", "2C2P-20261103-01", "3.65"),
    ("T10c", "2C2P", "O10", "chargeback", "-900.00", "2026-11-10", "2C2P-20261110-01", "0"),
]
# transaction, order, gateway, channel, type, status, paid day, amount
PAYMENTS = [
    ("T1", "O1", "2C2P", "promptpay", "charge", "success", "2026-11-02", "1000.00"),
    ("T2", "O2", "2C2P", "card", "charge", "success", "2026-11-02", "500.00"),
    ("T3", "O3", "Opn", "card", "charge", "success", "2026-11-02", "800.00"),
    ("T4", "O4", "2C2P", "promptpay", "charge", "success", "2026-11-02", "1200.00"),
    ("T5", "O5", "2C2P", "promptpay", "charge", "success", "2026-11-02", "2000.00"),
    ("T6a", "O6", "2C2P", "promptpay", "charge", "success", "2026-11-02", "300.00"),
    ("T6b", "O6", "2C2P", "promptpay", "charge", "success", "2026-11-02", "300.00"),
    ("T7", "O7", "2C2P", "promptpay", "charge", "success", "2026-11-02", "400.00"),
    ("T8", "O8", "GB Prime Pay", "card", "charge", "success", "2026-11-02", "600.00"),
    ("T9f", "O9", "2C2P", "card", "charge", "failed", "", "250.00"),
    ("T9r", "O9", "2C2P", "card", "refund", "success", "2026-11-02", "250.00"),
    ("T10", "O10", "2C2P", "card", "charge", "success", "2026-11-02", "900.00"),
    ("T10c", "O10", "2C2P", "card", "chargeback", "success", "2026-11-09", "900.00"),
    ("T11", "O11", "2C2P", "counter", "charge", "success", "2026-11-02", "350.00"),
    ("T12", "O12", "2C2P", "counter", "charge", "success", "2026-11-03", "450.00"),
]
COD = [
    ("EF582568151TH", "O13", "650.00", "2026-11-02"),
    ("EF582568165TH", "O14", "1240.00", "2026-11-03"),
]
BRANCH = "PO-10100-001"

EXPECTED = {
    ("missing_settlement", "gateway", "T2", Decimal("500.00")),
    ("late_settlement", "gateway", "T3", Decimal("800.00")),
    ("amount_mismatch", "gateway", "T4", Decimal("50.00")),
    ("fee_variance", "gateway", "T5", Decimal("6.42")),
    ("duplicate_payment", "gateway", "O6", Decimal("300.00")),
    ("duplicate_payment", "counter", "O7", Decimal("400.00")),
    ("orphan_settlement", "gateway", "TORPH", Decimal("100.00")),
    ("orphan_credit", "bank", "ST9", Decimal("777.00")),
    ("unfunded_batch", "gateway", "GBP-20261104-01", Decimal("576.57")),
    ("refund_without_charge", "gateway", "T9r", Decimal("250.00")),
    ("chargeback", "gateway", "T10c", Decimal("900.00")),
    ("missing_settlement", "counter", "T12", Decimal("450.00")),
    ("cod_not_remitted", "cod", "EF582568165TH", Decimal("1240.00")),
}


def _settlement_csv(lines: list[tuple]) -> tuple[str, dict[str, Decimal]]:
    rows = [
        "transaction_id,settlement_batch_id,gateway,merchant_order_ref,txn_type,channel,"
        "created_at,paid_at,settled_on,gross_amount,fee,fee_vat,net_amount,refunded_amount,"
        "status,currency"
    ]
    nets: dict[str, Decimal] = {}
    for txn, gw, order, kind, gross, on, batch, pct in lines:
        g = Decimal(gross)
        fee, vat = _fee(g, pct) if kind == "charge" else (Decimal("0.00"), Decimal("0.00"))
        net = g - fee - vat
        nets[batch] = nets.get(batch, Decimal(0)) + net
        paid = "2026-11-09 10:00:00" if txn == "T10c" else "2026-11-02 10:00:00"
        refunded = "0.00" if kind == "charge" else str(-g)
        rows.append(
            f"{txn},{batch},{gw},{order},{kind},card,{paid},{paid},{on},{abs(g)},{fee},{vat},"
            f"{net},{refunded},settled,THB"
        )
    return "\n".join(rows) + "\n", nets


def _write_files(inbox: Path) -> None:
    orders = [
        "order_id,seller_id,ordered_at,status,payment_channel,subtotal_thb,total_thb,currency"
    ]
    channels = {p[1]: p[3] for p in PAYMENTS} | {"O13": "cod", "O14": "cod"}
    totals = {p[1]: p[7] for p in PAYMENTS} | {c[1]: c[2] for c in COD}
    for order, channel in sorted(channels.items()):
        orders.append(
            f"{order},S1,2026-11-02 09:00:00,paid,{channel},{totals[order]},{totals[order]},THB"
        )
    write_csv(inbox / "orders.csv", "\n".join(orders) + "\n")
    pays = [
        "transaction_id,order_id,gateway,channel,txn_type,status,failure_reason,created_at,"
        "paid_at,amount,currency"
    ]
    for txn, order, gw, ch, kind, status, day, amount in PAYMENTS:
        paid = f"{day} 10:00:00" if day else ""
        reason = "card_declined" if status == "failed" else ""
        pays.append(
            f"{txn},{order},{gw},{ch},{kind},{status},{reason},2026-11-02 09:30:00,{paid},"
            f"{amount},THB"
        )
    write_csv(inbox / "gateway_payments.csv", "\n".join(pays) + "\n")
    text, nets = _settlement_csv(LINES)
    write_csv(inbox / "settlements_nov.csv", text)
    counter = write_bill_payment(
        [
            BillPayment(dt.datetime(2026, 11, 2, 10), "O11", "S1", "B11", BRANCH, "counter", 35000),
            BillPayment(dt.datetime(2026, 11, 2, 13), "O7", "S1", "B07", BRANCH, "counter", 40000),
        ],
        bank_code="004",
        company_account="0011223344",
        company_name="POSTMART",
        effective_on=dt.date(2026, 11, 2),
    )
    (inbox / "counter_004_20261102.txt").write_text(counter, encoding="cp874")
    write_csv(
        inbox / "cod_remittances.csv",
        "tracking_no,branch_code,amount,collected_at,remitted_at,deposit_ref\n"
        f"EF582568151TH,{BRANCH},650.00,2026-11-02 14:00:00,2026-11-03 15:00:00,COD-A\n",
    )
    credits = [
        ("ST1", "2026-11-03", nets["2C2P-20261103-01"], "2C2P-20261103-01"),
        ("ST3", "2026-11-09", nets["OPN-20261109-02"], "OPN-20261109-02"),
        ("ST4", "2026-11-03", Decimal("750.00"), "BILL-004-20261102"),
        ("ST5", "2026-11-03", Decimal("650.00"), "COD-A"),
        ("ST9", "2026-11-05", Decimal("777.00"), "TRF1"),
    ]
    write_csv(
        inbox / "statement_nov.csv",
        "เลขที่รายการ,เลขที่บัญชี,วันที่มีผล,จำนวนเงิน,เลขที่อ้างอิง,รายละเอียด\n"
        + "".join(
            f"{t},0011223344,{d[8:]}/{d[5:7]}/{int(d[:4]) + 543},{a},{r},รับโอน\n"
            for t, d, a, r in credits
        ),
    )


def _shipments(settings: Settings) -> None:
    with connect_writer(settings) as con:
        for tracking, order, amount, day in COD:
            con.execute(
                "insert into fct_shipment (tracking_no, order_id, dest_branch_code, is_cod, "
                "cod_amount_thb, delivered_at) values (?, ?, ?, true, ?, ?)",
                [
                    tracking,
                    order,
                    BRANCH,
                    Decimal(amount),
                    dt.datetime.fromisoformat(day + " 11:00"),
                ],
            )


def _breaks(settings: Settings) -> set[tuple]:
    con = connect_reader(settings)
    try:
        _, df = recon.find_breaks(con, settings, AS_OF)
    finally:
        con.close()
    return {
        (r["break_class"], r["rail"], r["ref"], r["amount_thb"]) for r in df.iter_rows(named=True)
    }


def test_every_break_class_from_hand_written_files_and_a_late_line_closes_its_case(
    pay_lake: Settings, sqlite_ops: Settings, tmp_path: Path
) -> None:
    settings = dataclasses.replace(pay_lake, ops_db_url=sqlite_ops.ops_db_url)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _write_files(inbox)
    results = load_files(inbox, settings=settings)
    assert {r.status for r in results} == {"loaded"}, [r.message for r in results]
    assert sum(r.count_quarantined for r in results) == 0, [r.by_reason for r in results]
    _shipments(settings)

    assert _breaks(settings) == EXPECTED

    first = recon.run(CLI_ACTOR, settings=settings, as_of=AS_OF)
    assert (first.count_breaks, first.count_opened) == (len(EXPECTED), len(EXPECTED))
    again = recon.run(CLI_ACTOR, settings=settings, as_of=AS_OF)
    assert not again.changed

    # T2's line arrives, late: its "missing" case closes by itself, a "late" case opens.
    late = write_csv(
        tmp_path / "settlements_late.csv",
        _settlement_csv([("T2", "2C2P", "O2", "charge", "500.00", "2026-11-06", "2C2P-X", "3.65")])[
            0
        ],
    )
    (loaded,) = load_files(late, settings=settings)
    assert loaded.status == "loaded"
    third = recon.run(CLI_ACTOR, settings=settings, as_of=AS_OF)
    assert (third.count_closed, third.count_opened) == (1, 2)  # late T2, unfunded 2C2P-X
    with ops.read(ops.engine(settings)) as conn:
        case = (
            conn.execute(select(pay_case).where(pay_case.c.break_key == "missing_settlement:T2"))
            .mappings()
            .one()
        )
    assert (case["status"], case["closed_reason"]) == ("closed_by_data", "settlement_arrived")
    assert case["case_id"] <= len(EXPECTED)  # the case opened by the first run
