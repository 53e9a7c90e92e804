"""Identifiers, generated vectorized: Thai national and juristic IDs, S10 tracking numbers,
phones and bank accounts. Each follows the rule in DOMAIN.md so the ETL's validators
(python-stdnum, the S10 check) accept every generated value.
"""

from __future__ import annotations

import numpy as np
import polars as pl

# Weights 13 … 2 on the first 12 digits of a Thai 13-digit ID (stdnum.th.pin).
_PIN_WEIGHTS = np.arange(13, 1, -1, dtype=np.int64)
# UPU S10 weights on the 8-digit serial.
_S10_WEIGHTS = np.array([8, 6, 4, 2, 3, 5, 9, 7], dtype=np.int64)
# J, K, S, T, W are never the first letter of a valid S10 number; these are ours by service.
S10_PREFIX = {"EMS": "E", "REG": "R", "PCL": "C", "LGP": "H", "LGP_PLUS": "H", "COLD": "H"}
_SECOND_LETTERS = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
# Banks from DOMAIN.md; GSB, GHB and BAAC use 12-digit accounts, the others 10.
BANK_CODES = (
    "002",
    "004",
    "006",
    "011",
    "014",
    "022",
    "024",
    "025",
    "030",
    "033",
    "034",
    "069",
    "073",
)
TWELVE_DIGIT_BANKS = frozenset({"030", "033", "034"})
# Rural sellers bank mostly with BAAC, GSB and Krungthai.
BANK_WEIGHTS = (0.05, 0.12, 0.15, 0.03, 0.08, 0.01, 0.01, 0.03, 0.2, 0.02, 0.28, 0.01, 0.01)


def digits_to_int(digits: np.ndarray) -> np.ndarray:
    """Rows of decimal digits (n, k) as int64 numbers."""
    k = digits.shape[1]
    return digits.astype(np.int64) @ (10 ** np.arange(k - 1, -1, -1, dtype=np.int64))


def thai_id_check_digit(first12: np.ndarray) -> np.ndarray:
    """Check digit of Thai 13-digit IDs from their first 12 digits (n, 12)."""
    return (11 - (first12.astype(np.int64) @ _PIN_WEIGHTS) % 11) % 10


def thai_ids(first12: np.ndarray) -> pl.Series:
    """13-digit ID strings (zero-padded: juristic IDs start with 0) from (n, 12) digits."""
    number = digits_to_int(first12) * 10 + thai_id_check_digit(first12)
    return pl.Series(number).cast(pl.Utf8).str.zfill(13)


def random_digits(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    return rng.integers(0, 10, size=(n, k), dtype=np.int64)


def split_code(codes: pl.Series, k: int) -> np.ndarray:
    """A column of digit strings of length k as an (n, k) digit array."""
    raw = np.frombuffer("".join(codes.to_list()).encode("ascii"), dtype=np.uint8)
    return (raw.reshape(-1, k) - ord("0")).astype(np.int64)


def national_ids(rng: np.random.Generator, district_codes: pl.Series) -> pl.Series:
    """Personal IDs: category digit 1–8, the 4-digit registration district, 7 more digits."""
    n = len(district_codes)
    first = rng.integers(1, 9, size=(n, 1))
    office = split_code(district_codes.str.slice(0, 4), 4)
    return thai_ids(np.hstack([first, office, random_digits(rng, n, 7)]))


def juristic_ids(
    rng: np.random.Generator, province_codes: pl.Series, years_be: np.ndarray
) -> pl.Series:
    """Juristic IDs: 0, province, type (3 partnership, 5 company), BE year, serial."""
    n = len(province_codes)
    kind = rng.choice(np.array([3, 5]), size=(n, 1))
    year = np.stack([(years_be // 100) % 10, (years_be // 10) % 10, years_be % 10], axis=1)
    parts = [np.zeros((n, 1), dtype=np.int64), split_code(province_codes, 2), kind, year]
    return thai_ids(np.hstack(parts + [random_digits(rng, n, 5)]))


def mobile_phones(rng: np.random.Generator, n: int) -> pl.Series:
    """10-digit mobiles 06x/08x/09x."""
    second = rng.choice(np.array([6, 8, 9]), size=n, p=[0.25, 0.45, 0.3])
    number = second * 10**8 + rng.integers(0, 10**8, size=n)
    return pl.Series(number).cast(pl.Utf8).str.zfill(10)


def bank_accounts(rng: np.random.Generator, n: int) -> tuple[pl.Series, pl.Series]:
    """(bank_code, account_no) with each bank's account length."""
    codes = np.array(BANK_CODES)[rng.choice(len(BANK_CODES), size=n, p=BANK_WEIGHTS)]
    twelve = np.isin(codes, list(TWELVE_DIGIT_BANKS))
    ten = rng.integers(10**9, 10**10, size=n)
    acc = np.where(twelve, ten * 100 + rng.integers(0, 100, size=n), ten)
    return pl.Series(codes), pl.Series(acc).cast(pl.Utf8)


def s10_check_digit(serials: np.ndarray) -> np.ndarray:
    """UPU S10 check digit of 8-digit serials: 11 − sum % 11, with 10 → 0 and 11 → 5."""
    digits = (serials[:, None] // 10 ** np.arange(7, -1, -1)) % 10
    c = 11 - (digits @ _S10_WEIGHTS) % 11
    return np.where(c == 10, 0, np.where(c == 11, 5, c))


# Odd and not a multiple of 5, so i -> i * _SERIAL_STRIDE mod 10^8 is a bijection: serials of
# different shipments never collide while still looking random.
_SERIAL_STRIDE = 48_271_913
_SERIAL_SPACE = 10**8


def tracking_numbers(
    rng: np.random.Generator, shipment_index: np.ndarray, services: np.ndarray
) -> pl.Series:
    """S10 numbers: service letter, a second letter, unique serial, check digit, TH."""
    serial = (shipment_index.astype(np.int64) * _SERIAL_STRIDE + 13_579_113) % _SERIAL_SPACE
    check = s10_check_digit(serial)
    first = pl.Series(services).replace_strict(S10_PREFIX, return_dtype=pl.Utf8)
    second = pl.Series(_SECOND_LETTERS[rng.integers(0, 26, size=len(serial))])
    body = pl.Series(serial * 10 + check).cast(pl.Utf8).str.zfill(9)
    return first + second + body + "TH"


def s10_is_valid(number: str) -> bool:
    """The S10 check on one number (used by tests and the ETL's expectations)."""
    if len(number) != 13 or not number.endswith("TH") or number[0] in "JKSTW":
        return False
    body = number[2:11]
    if not body.isdigit():
        return False
    serial = np.array([int(body[:8])])
    return int(s10_check_digit(serial)[0]) == int(body[8])
