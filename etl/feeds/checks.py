"""Vectorized domain checks as polars expressions, and their scalar twins for tests.

Every check here runs over a whole column at once: the orders and tracking feeds carry
millions of rows, and a per-row Python call would dominate the load time.
"""

from __future__ import annotations

import polars as pl

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_ARABIC_DIGITS = "0123456789"
BE_OFFSET = 543
# A year this large can only be Buddhist era (CE 2400 is far away; BE 1900 long past).
BE_YEAR_THRESHOLD = 2400

# UPU S10: weights on the 8-digit serial; 10 -> 0 and 11 -> 5 (DOMAIN.md).
S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
# First letters that are never issued as S10 service indicators.
S10_INVALID_FIRST = "JKSTW"
_S10_PATTERN = r"^[A-Z]{2}[0-9]{9}[A-Z]{2}$"

# Thai national / juristic ID: weights 13..2 on the first 12 digits.
_THAI_ID_WEIGHTS = tuple(range(13, 1, -1))

# Banks whose accounts have 12 digits (GSB, GHB, BAAC); the others use 10 (DOMAIN.md).
BANK_ACCOUNT_LENGTH_12 = ("030", "033", "034")
BANK_ACCOUNT_LENGTH_DEFAULT = 10


def thai_digits_to_arabic(expr: pl.Expr) -> pl.Expr:
    """๐–๙ → 0–9; people type Thai digits in hand-made files."""
    return expr.str.replace_many(list(THAI_DIGITS), list(_ARABIC_DIGITS))


def digits_only(expr: pl.Expr) -> pl.Expr:
    """Drop dashes, spaces, dots and slashes that people write inside IDs and phone numbers."""
    return expr.str.replace_all(r"[\s\-./]", "")


def s10_check_digit(serial: str) -> int:
    """The S10 check digit of an 8-digit serial (scalar; used by writers and tests)."""
    c = 11 - sum(w * int(d) for w, d in zip(S10_WEIGHTS, serial, strict=True)) % 11
    return {10: 0, 11: 5}.get(c, c)


def s10_is_valid(number: str) -> bool:
    """Scalar S10 check, the reference the vectorized expression is tested against."""
    if len(number) != 13 or not (number[:2].isascii() and number[:2].isalpha()):
        return False
    if not (number[:2].isupper() and number[11:].isascii() and number[11:].isalpha()):
        return False
    if not number[11:].isupper() or number[0] in S10_INVALID_FIRST:
        return False
    digits = number[2:11]
    if not (digits.isascii() and digits.isdigit()):
        return False
    return s10_check_digit(digits[:8]) == int(digits[8])


def s10_valid_expr(expr: pl.Expr) -> pl.Expr:
    """True where the value is a well-formed S10 number with the right check digit."""
    total = pl.sum_horizontal(
        expr.str.slice(2 + i, 1).cast(pl.Int32, strict=False) * w for i, w in enumerate(S10_WEIGHTS)
    )
    raw = 11 - total % 11
    check = pl.when(raw == 10).then(0).when(raw == 11).then(5).otherwise(raw)
    return (
        expr.str.contains(_S10_PATTERN)
        & ~expr.str.slice(0, 1).is_in(list(S10_INVALID_FIRST))
        & (expr.str.slice(10, 1).cast(pl.Int32, strict=False) == check)
    ).fill_null(False)


def thai_id_valid_expr(expr: pl.Expr, kind: str = "pin") -> pl.Expr:
    """Vectorized stdnum.th.pin (kind="pin") or stdnum.th.moa (kind="moa") on compact IDs.

    pin: 13 digits, first digit not 0 or 9; moa: 13 digits starting 0; both with the
    check digit (11 - sum % 11) % 10 over weights 13..2. Equivalence with python-stdnum is
    tested on many IDs in tests/etl/test_checks.py.
    """
    total = pl.sum_horizontal(
        expr.str.slice(i, 1).cast(pl.Int32, strict=False) * w
        for i, w in enumerate(_THAI_ID_WEIGHTS)
    )
    check = (11 - total % 11) % 10
    first = expr.str.slice(0, 1)
    first_ok = ~first.is_in(["0", "9"]) if kind == "pin" else first == "0"
    return (
        expr.str.contains(r"^[0-9]{13}$")
        & first_ok
        & (expr.str.slice(12, 1).cast(pl.Int32, strict=False) == check)
    ).fill_null(False)


def bank_account_length_ok_expr(bank_code: pl.Expr, account_no: pl.Expr) -> pl.Expr:
    """Account number is all digits and has its bank's length (12 at GSB/GHB/BAAC, else 10)."""
    expected = (
        pl.when(bank_code.is_in(list(BANK_ACCOUNT_LENGTH_12)))
        .then(12)
        .otherwise(BANK_ACCOUNT_LENGTH_DEFAULT)
    )
    return (
        account_no.str.contains(r"^[0-9]+$") & (account_no.str.len_chars() == expected)
    ).fill_null(False)


# One regex for every date style our feeds carry: ISO (2024-05-01[ T]10:00[:00]),
# day-first (01/05/2567[ 10:00[:00]]), both with an optional UTC offset (+07:00).
_DATE_RE = (
    r"^(?:(?<iy>\d{4})-(?<im>\d{1,2})-(?<id>\d{1,2})|(?<dd>\d{1,2})/(?<dm>\d{1,2})/(?<dy>\d{4}))"
    r"(?:[ T](?<hh>\d{1,2}):(?<mi>\d{2})(?::(?<ss>\d{2})(?:\.\d+)?)?)?"
    r"\s*(?<tz>Z|[+-]\d{2}:?\d{2})?$"
)
BANGKOK_OFFSET_MIN = 7 * 60


def parse_datetime_expr(expr: pl.Expr) -> pl.Expr:
    """Parse ISO or DD/MM/YYYY dates and times, Buddhist or Common era, to Bangkok local time.

    A year at or above 2400 is Buddhist era (minus 543). An offset other than +07:00 is
    converted to Bangkok time. Impossible dates (31/02) give null, which the caller reports.
    """
    g = expr.str.extract_groups(_DATE_RE)
    year = pl.coalesce(g.struct.field("iy"), g.struct.field("dy")).cast(pl.Int32)
    year = pl.when(year >= BE_YEAR_THRESHOLD).then(year - BE_OFFSET).otherwise(year)
    month = pl.coalesce(g.struct.field("im"), g.struct.field("dm")).cast(pl.Int32)
    day = pl.coalesce(g.struct.field("id"), g.struct.field("dd")).cast(pl.Int32)
    hour = g.struct.field("hh").cast(pl.Int32).fill_null(0)
    minute = g.struct.field("mi").cast(pl.Int32).fill_null(0)
    second = g.struct.field("ss").cast(pl.Int32).fill_null(0)
    text = pl.format(
        "{}-{}-{} {}:{}:{}",
        year.cast(pl.Utf8).str.zfill(4),
        month.cast(pl.Utf8).str.zfill(2),
        day.cast(pl.Utf8).str.zfill(2),
        hour.cast(pl.Utf8).str.zfill(2),
        minute.cast(pl.Utf8).str.zfill(2),
        second.cast(pl.Utf8).str.zfill(2),
    )
    local = text.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False, time_unit="us")
    tz = g.struct.field("tz").str.replace(":", "")
    offset_min = (
        pl.when(tz == "Z")
        .then(0)
        .when(tz.is_not_null())
        .then(
            (tz.str.slice(1, 2).cast(pl.Int32) * 60 + tz.str.slice(3, 2).cast(pl.Int32))
            * pl.when(tz.str.slice(0, 1) == "-").then(-1).otherwise(1)
        )
        .otherwise(BANGKOK_OFFSET_MIN)
    )
    return local + pl.duration(minutes=BANGKOK_OFFSET_MIN - offset_min)


def parse_datetime_series(s: pl.Series, fast_format: str | None = None) -> pl.Series:
    """Parse a column, trying one exact format first; the general parser runs only on misses.

    Big feeds are written in one format; the fast path keeps them quick while a file
    with a few odd dates still gets the full parser for those rows.
    """
    frame = s.to_frame("v")
    if fast_format is not None:
        fast = s.str.to_datetime(fast_format, strict=False, time_unit="us")
        misses = (fast.is_null() & s.is_not_null()).sum()
        if misses == 0:
            return fast
        general = frame.select(parse_datetime_expr(pl.col("v")).alias("v"))["v"]
        return fast.fill_null(general).alias(s.name)
    return frame.select(parse_datetime_expr(pl.col("v")).alias("v"))["v"].alias(s.name)
