"""The payments feeds: counter bill-payment files, COD remittances, bank statements (Thai
headers), payout returns and the gateways' transaction log, loaded like every feed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from etl.feeds.fixed_width import BillPayment, read_bill_payment, write_bill_payment
from etl.load.loader import detect_feed, load_files
from tests.etl.helpers import count, query, write_csv
from warehouse.settings import Settings

_FILE = dict(
    bank_code="004",
    company_account="0011223344",
    company_name="THAILAND POST POSTMART",
    effective_on=dt.date(2026, 11, 30),
)


def _payment(ref1: str, satang: int, n: int = 1) -> BillPayment:
    return BillPayment(
        dt.datetime(2026, 11, 30, 9, 0, n), ref1, "S000001", f"KB{n:08d}", "", "counter", satang
    )


@pytest.mark.parametrize(
    ("name", "feed"),
    [
        ("counter_payments.txt", "counter_payments"),
        ("gateway_payments.csv", "payments"),
        ("cod_remittances.csv", "cod_remittances"),
        ("bank_statement.csv", "bank_statement"),
        ("payout_returns.csv", "payout_returns"),
        ("settlements.csv", "settlements"),
        ("payouts.csv", "payouts"),
        ("orders.csv", "orders"),
    ],
)
def test_payment_files_are_told_apart_by_name(examples: Path, name: str, feed: str) -> None:
    assert detect_feed(examples / name) == feed


def _by_file(results: list) -> dict:
    return {Path(r.file).name: r for r in results}


def test_payment_files_load_with_their_rules(
    pay_lake: Settings, examples: Path, tmp_path: Path
) -> None:
    """One load of several files (each its own transaction), one assertion block per file."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("counter_payments.txt", "bank_statement.csv", "payout_returns.csv"):
        (inbox / name).write_bytes((examples / name).read_bytes())
    text = write_bill_payment([_payment("PM1", 45000, 1), _payment("PM2", 100, 2)], **_FILE)
    lines = text.split("\r\n")
    lines[2] = lines[2][:20] + "31022569" + lines[2][28:]  # 31 February
    (inbox / "billpay_kbank.txt").write_text("\r\n".join(lines), encoding="utf-8")
    write_csv(
        inbox / "kbank_statement_nov.csv",
        "bank_txn_id,account_no,value_on,amount,reference,description\n"
        "X1,0011223344,2026-11-30,100.00,BILL-004-20261129,ชำระค่าสินค้า\n"
        "X2,0011223344,2026-11-30,-5.00,R,คืนเงิน\n",
        encoding="cp874",
    )
    write_csv(
        inbox / "cod_remittances_20261130.csv",
        "tracking_no,branch_code,amount,collected_at,remitted_at,deposit_ref\n"
        "EF582568151TH,PO-10100-001,650.00,2026-11-29 14:22:10,2026-11-30 10:05:00,D1\n"
        "EF582568152TH,PO-10100-001,650.00,2026-11-29 14:22:10,2026-11-30 10:05:00,D1\n"
        "EF582568165TH,XX-0,650.00,2026-11-29 14:22:10,2026-11-30 10:05:00,D1\n",
    )
    write_csv(
        inbox / "payout_returns_kbank.csv",
        "payout_id,returned_on,amount,bank_code,bank_account_no,reason_code,reason_text\n"
        "PO1,2026-11-30,100.00,014,123-4-56789-0,account_closed,บัญชีปิด\n"
        "PO2,2026-11-30,100.00,014,1234567890,lost,?\n",
    )
    got = _by_file(load_files(inbox))
    counter = got["counter_payments.txt"]
    assert (counter.status, counter.count_loaded, counter.count_quarantined) == ("loaded", 3, 0)
    assert (got["billpay_kbank.txt"].count_loaded, got["billpay_kbank.txt"].by_reason) == (
        1,
        {"bad_date": 1},
    )
    assert got["bank_statement.csv"].count_loaded == 3
    assert got["kbank_statement_nov.csv"].by_reason == {"negative_amount": 1}
    assert got["cod_remittances_20261130.csv"].by_reason == {"bad_s10": 1, "unknown_branch": 1}
    assert got["payout_returns_kbank.csv"].by_reason == {"unknown_value": 1}

    rows = query(
        pay_lake,
        "select ref1, paid_at, amount_thb, counter_channel, customer_name, file_on "
        "from fct_counter_payment where source_file = 'counter_payments.txt' order by ref1",
    )
    assert rows[0] == (
        "PM000000101",
        dt.datetime(2026, 11, 30, 9, 15, 2),
        Decimal("450.00"),
        "counter",
        "สมศรี ใจดี",
        dt.date(2026, 11, 30),
    )
    assert rows[1][2] == Decimal("1280.50") and rows[1][3] == "atm"
    credits = query(
        pay_lake, "select value_on, amount_thb, reference, account_no from fct_bank_credit"
    )
    assert (dt.date(2026, 11, 30), Decimal("15233.87"), "2C2P-20261130-01", "0011223344") in credits
    assert ("1234567890",) in query(pay_lake, "select bank_account_no from fct_payout_return")


def test_counter_file_with_a_bad_trailer_is_refused_whole_naming_both_figures(
    pay_lake: Settings, tmp_path: Path, examples: Path
) -> None:
    text = write_bill_payment(
        [_payment("PM1", 45000, 1), _payment("PM2", 10050, 2)],
        trailer_count=2,
        trailer_total_satang=55000,
        **_FILE,
    )
    path = tmp_path / "counter_20261130.txt"
    path.write_text(text, encoding="cp874")
    (result,) = load_files(path)
    assert result.status == "failed"
    assert "2 records totalling ฿550.00" in result.message
    assert "2 records totalling ฿550.50" in result.message
    assert count(pay_lake, "fct_counter_payment") == 0
    assert count(pay_lake, "etl_load") == 0
    # A good file loads once, however often it is given.
    load_files(examples / "counter_payments.txt")
    (again,) = load_files(examples / "counter_payments.txt")
    assert again.status == "already_loaded"
    assert count(pay_lake, "fct_counter_payment") == 3


def test_counter_file_with_a_wrong_record_count_is_refused(tmp_path: Path) -> None:
    text = write_bill_payment([_payment("PM1", 45000)], trailer_count=3, **_FILE)
    with pytest.raises(ValueError, match="says 3 records totalling ฿450.00.*1 records"):
        read_bill_payment(text)


def test_counter_file_without_a_trailer_is_refused() -> None:
    text = write_bill_payment([_payment("PM1", 45000)], **_FILE)
    cut = "\r\n".join(text.split("\r\n")[:-2])
    with pytest.raises(ValueError, match="trailer"):
        read_bill_payment(cut)
