"""Bank bill-payment files: fixed-width text, a header record, detail records, a trailer.

Thai banks send the payments made at post-office counters, ATMs and banking apps against a
biller's Ref1/Ref2 as one 256-character record per line (the layout is in docs/feeds.md,
"counter_payments"): ``H`` header with the file's effective date, ``D`` details, ``T``
trailer with the count and the total of the details. Dates are Buddhist-era ``DDMMYYYY``,
amounts satang without a point. Positions count characters, so a Windows-874 file (one byte
a character) and a UTF-8 one read alike.

A file whose trailer does not agree with its details is refused whole: loading part of a
bank's day would hide the very money that reconciliation must find.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

RECORD_LENGTH = 256
BE_OFFSET = 543
LINE = "_line"
CHANNEL_CODES = {"C": "counter", "A": "atm", "I": "internet", "M": "mobile"}


@dataclass(frozen=True)
class Field:
    name: str
    start: int  # 1-based, as bank specifications write them
    length: int

    def cut(self, record: str) -> str:
        return record[self.start - 1 : self.start - 1 + self.length]


HEADER = (
    Field("record_type", 1, 1),
    Field("sequence", 2, 6),
    Field("bank_code", 8, 3),
    Field("company_account", 11, 10),
    Field("company_name", 21, 40),
    Field("effective_date", 61, 8),
)
DETAIL = (
    Field("record_type", 1, 1),
    Field("sequence", 2, 6),
    Field("bank_code", 8, 3),
    Field("company_account", 11, 10),
    Field("payment_date", 21, 8),
    Field("payment_time", 29, 6),
    Field("customer_name", 35, 50),
    Field("ref1", 85, 20),
    Field("ref2", 105, 20),
    Field("bank_ref", 125, 20),
    Field("branch", 145, 16),  # a post-office branch code such as PO-10100-001
    Field("channel", 161, 1),
    Field("amount", 162, 13),
)
TRAILER = (
    Field("record_type", 1, 1),
    Field("sequence", 2, 6),
    Field("bank_code", 8, 3),
    Field("company_account", 11, 10),
    Field("count_credits", 21, 6),
    Field("total_credits", 27, 13),
)


def _fields(layout: tuple[Field, ...], record: str) -> dict[str, str]:
    return {f.name: f.cut(record).strip() for f in layout}


def be_date_to_iso(text: str) -> str:
    """``DDMMYYYY`` in the Buddhist era as ``YYYY-MM-DD``; the text unchanged when it is not
    one (validation then quarantines the row as a bad date)."""
    if len(text) != 8 or not text.isdigit():
        return text
    try:
        day = dt.date(int(text[4:]) - BE_OFFSET, int(text[2:4]), int(text[:2]))
    except ValueError:
        return text
    return day.isoformat()


def _time(text: str) -> str:
    if len(text) != 6 or not text.isdigit():
        return text
    return f"{text[:2]}:{text[2:4]}:{text[4:]}"


def satang_to_baht(text: str) -> str:
    """``0000000123450`` as ``1234.50``; the text unchanged when it is not digits."""
    if not text.isdigit():
        return text
    n = int(text)
    return f"{n // 100}.{n % 100:02d}"


def _baht(satang: int) -> str:
    return f"฿{satang / 100:,.2f}"


def read_bill_payment(text: str) -> pl.DataFrame:
    """The detail records as text fields named after the counter_payments feed's columns,
    with ``_line``; ValueError (the reason, for the whole file) when the file is not a
    well-formed bill-payment file or its trailer disagrees with its details."""
    lines = [(i, ln.rstrip("\r\n")) for i, ln in enumerate(text.splitlines(), start=1)]
    lines = [(i, ln) for i, ln in lines if ln.strip()]
    if not lines or lines[0][1][:1] != "H":
        raise ValueError("not a bill-payment file: the first record is not a header (H)")
    if lines[-1][1][:1] != "T":
        raise ValueError("not a bill-payment file: the last record is not a trailer (T)")
    header = _fields(HEADER, lines[0][1].ljust(RECORD_LENGTH))
    trailer = _fields(TRAILER, lines[-1][1].ljust(RECORD_LENGTH))
    file_on = be_date_to_iso(header["effective_date"])
    rows: list[dict[str, str | int]] = []
    total = 0
    for line_no, record in lines[1:-1]:
        kind = record[:1]
        if kind != "D":
            raise ValueError(f"line {line_no}: record type {kind!r} inside the file (want D)")
        d = _fields(DETAIL, record.ljust(RECORD_LENGTH))
        if d["amount"].isdigit():
            total += int(d["amount"])
        rows.append(
            {
                LINE: line_no,
                "bank_code": d["bank_code"] or header["bank_code"],
                "bank_ref": d["bank_ref"],
                "paid_at": f"{be_date_to_iso(d['payment_date'])} {_time(d['payment_time'])}",
                "ref1": d["ref1"],
                "ref2": d["ref2"],
                "customer_name": d["customer_name"],
                "counter_branch_code": d["branch"],
                "counter_channel": CHANNEL_CODES.get(d["channel"], d["channel"]),
                "amount_thb": satang_to_baht(d["amount"]),
                "file_on": file_on,
            }
        )
    count_ok = trailer["count_credits"].isdigit() and int(trailer["count_credits"]) == len(rows)
    total_ok = trailer["total_credits"].isdigit() and int(trailer["total_credits"]) == total
    if not (count_ok and total_ok):
        said_total = (
            _baht(int(trailer["total_credits"]))
            if trailer["total_credits"].isdigit()
            else repr(trailer["total_credits"])
        )
        said_count = (
            int(trailer["count_credits"])
            if trailer["count_credits"].isdigit()
            else repr(trailer["count_credits"])
        )
        raise ValueError(
            f"trailer does not match the details: the trailer says "
            f"{said_count} records totalling {said_total}, the details are "
            f"{len(rows)} records totalling {_baht(total)}; nothing of the file was loaded"
        )
    schema = {LINE: pl.Int64, **dict.fromkeys(_DETAIL_NAMES, pl.Utf8)}
    return pl.DataFrame(rows, schema=schema)


_DETAIL_NAMES = (
    "bank_code",
    "bank_ref",
    "paid_at",
    "ref1",
    "ref2",
    "customer_name",
    "counter_branch_code",
    "counter_channel",
    "amount_thb",
    "file_on",
)


@dataclass(frozen=True)
class BillPayment:
    """One detail record to write (amount in satang, time naive Bangkok)."""

    paid_at: dt.datetime
    ref1: str
    ref2: str
    bank_ref: str
    branch: str
    channel: str  # a COUNTER_CHANNELS code
    amount_satang: int
    customer_name: str = ""


def _put(layout: tuple[Field, ...], values: dict[str, str]) -> str:
    out = [" "] * RECORD_LENGTH
    for f in layout:
        v = values.get(f.name, "")[: f.length].ljust(f.length)
        out[f.start - 1 : f.start - 1 + f.length] = list(v)
    return "".join(out)


def _be(day: dt.date) -> str:
    return f"{day:%d%m}{day.year + BE_OFFSET}"


def write_bill_payment(
    payments: list[BillPayment],
    *,
    bank_code: str,
    company_account: str,
    company_name: str,
    effective_on: dt.date,
    trailer_count: int | None = None,
    trailer_total_satang: int | None = None,
) -> str:
    """The file's text (records joined by CRLF, as banks send them). ``trailer_*`` override
    the trailer's figures, to write a broken file on purpose."""
    code = {v: k for k, v in CHANNEL_CODES.items()}
    lines = [
        _put(
            HEADER,
            {
                "record_type": "H",
                "sequence": "000001",
                "bank_code": bank_code,
                "company_account": company_account,
                "company_name": company_name,
                "effective_date": _be(effective_on),
            },
        )
    ]
    for i, p in enumerate(payments, start=2):
        lines.append(
            _put(
                DETAIL,
                {
                    "record_type": "D",
                    "sequence": f"{i:06d}",
                    "bank_code": bank_code,
                    "company_account": company_account,
                    "payment_date": _be(p.paid_at.date()),
                    "payment_time": f"{p.paid_at:%H%M%S}",
                    "customer_name": p.customer_name,
                    "ref1": p.ref1,
                    "ref2": p.ref2,
                    "bank_ref": p.bank_ref,
                    "branch": p.branch,
                    "channel": code.get(p.channel, "C"),
                    "amount": f"{p.amount_satang:013d}",
                },
            )
        )
    count = len(payments) if trailer_count is None else trailer_count
    total = sum(p.amount_satang for p in payments)
    total = total if trailer_total_satang is None else trailer_total_satang
    lines.append(
        _put(
            TRAILER,
            {
                "record_type": "T",
                "sequence": f"{len(payments) + 2:06d}",
                "bank_code": bank_code,
                "company_account": company_account,
                "count_credits": f"{count:06d}",
                "total_credits": f"{total:013d}",
            },
        )
    )
    return "\r\n".join(lines) + "\r\n"
