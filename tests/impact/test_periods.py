"""Periods, by hand: fiscal-year edges, Buddhist-era labels, relative periods, comparisons."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.errors import ValidationFailed
from dashboard.impact import periods
from dashboard.impact.periods import Period, add_months, fiscal_year_be, parse, relative

D = dt.date


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (D(2025, 9, 30), 2568),
        (D(2025, 10, 1), 2569),  # FY 2569 = 1 Oct 2025 – 30 Sep 2026 (DOMAIN.md)
        (D(2026, 1, 1), 2569),
        (D(2026, 9, 30), 2569),
        (D(2026, 10, 1), 2570),
    ],
)
def test_fiscal_year_edges(day: dt.date, fy: int) -> None:
    assert fiscal_year_be(day) == fy
    p = periods.containing("fiscal_year", day)
    assert p.code == f"fy{fy}"
    assert p.start <= day < p.end


def test_fiscal_year_2569_spans_october_to_september() -> None:
    p = parse("fy2569", D(2030, 1, 1))
    assert (p.start, p.end) == (D(2025, 10, 1), D(2026, 10, 1))
    assert p.label("th") == "ปีงบประมาณ 2569 (ต.ค. 2568 – ก.ย. 2569)"
    assert p.label("en") == "FY2026 (Oct 2025 – Sep 2026)"


@pytest.mark.parametrize(
    ("code", "th", "en", "span"),
    [
        ("m2026-01", "ม.ค. 2569", "Jan 2026", (D(2026, 1, 1), D(2026, 2, 1))),
        ("m2025-12", "ธ.ค. 2568", "Dec 2025", (D(2025, 12, 1), D(2026, 1, 1))),
        (
            "q2026-1",
            "ไตรมาส 1/2569 (ม.ค.–มี.ค.)",
            "Q1 2026 (Jan–Mar)",
            (D(2026, 1, 1), D(2026, 4, 1)),
        ),
        (
            "q2025-4",
            "ไตรมาส 4/2568 (ต.ค.–ธ.ค.)",
            "Q4 2025 (Oct–Dec)",
            (D(2025, 10, 1), D(2026, 1, 1)),
        ),
        ("y2026", "ปี 2569", "2026", (D(2026, 1, 1), D(2027, 1, 1))),
    ],
)
def test_codes_and_buddhist_era_labels(code, th, en, span) -> None:
    p = parse(code, D(2030, 1, 1))
    assert (p.start, p.end) == span
    assert p.code == code
    assert p.label("th") == th
    assert p.label("en") == en


def test_relative_periods_at_the_fiscal_year_turn() -> None:
    ref = D(2026, 10, 1)  # the first day of FY 2570
    this_fy = relative("this_fiscal_year", ref)
    assert (this_fy.code, this_fy.start, this_fy.end) == ("fy2570", D(2026, 10, 1), D(2026, 10, 2))
    assert this_fy.is_to_date
    assert this_fy.label("th") == "ปีงบประมาณ 2570 (ต.ค. 2569 – ก.ย. 2570) ถึง 1 ต.ค. 2569"
    last_fy = relative("last_fiscal_year", ref)
    assert (last_fy.code, last_fy.start, last_fy.end) == ("fy2569", D(2025, 10, 1), D(2026, 10, 1))
    assert not last_fy.is_to_date
    assert relative("last_quarter", ref).code == "q2026-3"
    assert relative("this_quarter", ref).code == "q2026-4"
    assert relative("last_month", ref).code == "m2026-09"
    assert relative("this_year", ref).end == D(2026, 10, 2)
    assert relative("last_year", ref).code == "y2025"


def test_last_quarter_and_month_across_the_new_year() -> None:
    ref = D(2026, 1, 15)
    assert relative("last_quarter", ref).code == "q2025-4"
    assert relative("last_month", ref).code == "m2025-12"
    this_month = relative("this_month", ref)
    assert (this_month.start, this_month.end) == (D(2026, 1, 1), D(2026, 1, 16))


def test_a_period_to_date_is_compared_with_as_many_days() -> None:
    this_fy = relative("this_fiscal_year", D(2026, 3, 31))  # 1 Oct 2025 – 31 Mar 2026
    prev = this_fy.previous()
    assert (prev.start, prev.end) == (D(2024, 10, 1), D(2025, 4, 1))
    assert this_fy.year_before() == prev  # a year is the previous fiscal year
    month = relative("this_month", D(2026, 3, 31))
    assert (month.previous().start, month.previous().end) == (D(2026, 2, 1), D(2026, 3, 1))
    whole = parse("q2026-1", D(2030, 1, 1))
    assert whole.previous() == Period("quarter", D(2025, 10, 1), D(2026, 1, 1), D(2026, 1, 1))
    assert whole.year_before().code == "q2025-1"


def test_add_months_clamps_the_day() -> None:
    assert add_months(D(2026, 3, 31), -1) == D(2026, 2, 28)
    assert add_months(D(2024, 3, 31), -1) == D(2024, 2, 29)
    assert add_months(D(2026, 1, 15), -12) == D(2025, 1, 15)


@pytest.mark.parametrize("code", ["", "fy", "m2026-13", "q2026-5", "next_year", "this_week"])
def test_unknown_codes_are_refused(code: str) -> None:
    with pytest.raises(ValidationFailed):
        parse(code, D(2026, 1, 1))


def test_choices_offer_relative_then_fixed_periods_with_data() -> None:
    got = periods.choices(D(2026, 1, 15), D(2025, 11, 3))
    assert got[: len(periods.RELATIVE)] == list(periods.RELATIVE)
    fixed = got[len(periods.RELATIVE) :]
    assert fixed[:1] == ["fy2569"]
    assert "y2025" in fixed and "q2025-4" in fixed and "m2025-11" in fixed
    assert "m2025-10" not in fixed  # no data before 3 Nov 2025
