"""The vectorized checks agree with python-stdnum and the scalar S10 rule."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from stdnum.th import moa, pin

from etl.feeds.checks import (
    parse_datetime_expr,
    s10_check_digit,
    s10_is_valid,
    s10_valid_expr,
    thai_id_valid_expr,
)


def _ids(n: int, seed: int) -> list[str]:
    """Random 13-digit strings, a third with a correct check digit, some malformed."""
    rng = np.random.default_rng(seed)
    body = rng.integers(0, 10, size=(n, 12))
    body[: n // 10, 0] = 0  # juristic-looking
    body[n // 10 : n // 5, 0] = 9  # never a personal ID
    check = (11 - (body * np.arange(13, 1, -1)).sum(axis=1) % 11) % 10
    noise = rng.integers(0, 10, n)
    last = np.where(np.arange(n) % 3 == 0, check, noise)
    ids = ["".join(map(str, b)) + str(c) for b, c in zip(body, last, strict=True)]
    return ids + ["", "123", "31006004456355", "310060044563X", "3100600445635"]


@pytest.mark.parametrize(("kind", "module"), [("pin", pin), ("moa", moa)])
def test_vectorized_thai_id_matches_stdnum(kind: str, module) -> None:
    ids = _ids(30_000, seed=7)
    got = pl.select(thai_id_valid_expr(pl.lit(pl.Series(ids)), kind)).to_series().to_list()
    expected = [module.is_valid(i) for i in ids]
    assert sum(expected) > 1000  # the sample really contains valid IDs
    assert got == expected


def test_vectorized_s10_matches_scalar_rule() -> None:
    rng = np.random.default_rng(3)
    serials = rng.integers(0, 10**8, 20_000)
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    first = rng.choice(letters, 20_000)
    numbers = [
        f"{a}F{s:08d}{s10_check_digit(f'{s:08d}') if i % 2 else i % 10}TH"
        for i, (a, s) in enumerate(zip(first, serials, strict=True))
    ] + ["EF582568151TH", "ED852942182TH", "RC338848854TH", "EI217050620TH", "EF58256815TH", ""]
    got = pl.select(s10_valid_expr(pl.lit(pl.Series(numbers)))).to_series().to_list()
    assert got == [s10_is_valid(n) for n in numbers]
    assert all(got[-6:-2]) and not any(got[-2:])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19/07/2562 18:12:26+07:00", dt.datetime(2019, 7, 19, 18, 12, 26)),  # TH track API, BE
        ("19/07/2019 18:12:26+07:00", dt.datetime(2019, 7, 19, 18, 12, 26)),  # EN, CE
        ("2024-05-01T03:00:00Z", dt.datetime(2024, 5, 1, 10, 0)),  # UTC → Bangkok
        ("2024-05-01 10:00:00", dt.datetime(2024, 5, 1, 10, 0)),
        ("15/03/2567", dt.datetime(2024, 3, 15)),
        ("31/02/2567 10:00", None),  # impossible date
        ("next tuesday", None),
    ],
)
def test_parse_datetime(text: str, expected: dt.datetime | None) -> None:
    got = pl.DataFrame({"v": [text]}).select(parse_datetime_expr(pl.col("v"))).item()
    assert got == expected
