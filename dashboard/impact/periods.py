"""Reporting periods of the programme figures: month, quarter, Thai fiscal year, calendar
year, and the relative ones ("this fiscal year", "last quarter").

A period is ``[start, end)`` in days. Quarters are calendar quarters (Q1 = January–March);
the Thai fiscal year runs 1 October – 30 September and is named by the Buddhist-era year
in which it ends (FY 2569 = 1 Oct 2025 – 30 Sep 2026, DOMAIN.md).

Relative periods are relative to the *reference day*: the last day the lake has orders
for (as the home figures do), not the clock, so "this month" of a feed that stops on the
28th is not three days short. A period that is still running ends after the reference
day ("to date"); it is then compared with the same number of days of the period before
and of the same period a year before, never with their whole length.

Codes (kept in URLs): ``m2026-01``, ``q2026-1``, ``fy2569`` (BE, as it is named),
``y2026``, and the relative ``this_month`` … ``last_year``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dashboard.errors import ValidationFailed

KINDS = ("month", "quarter", "fiscal_year", "year")
_MONTHS = {"month": 1, "quarter": 3, "fiscal_year": 12, "year": 12}
RELATIVE = (
    "this_month",
    "last_month",
    "this_quarter",
    "last_quarter",
    "this_fiscal_year",
    "last_fiscal_year",
    "this_year",
    "last_year",
)
BE_OFFSET = 543
FISCAL_START_MONTH = 10
TH_MONTHS = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_CODE = re.compile(r"^(?:m(\d{4})-(\d{2})|q(\d{4})-([1-4])|fy(\d{4})|y(\d{4}))$")


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, the day of month clamped (31 Mar - 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def fiscal_year_be(day: dt.date) -> int:
    """The Buddhist-era Thai fiscal year ``day`` falls in (1 Oct starts the next one)."""
    return day.year + BE_OFFSET + (1 if day.month >= FISCAL_START_MONTH else 0)


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date  # first day
    end: dt.date  # the day after the last day counted (to date: after the reference day)
    full_end: dt.date  # the day after the period's last day

    @property
    def is_to_date(self) -> bool:
        return self.end < self.full_end

    @property
    def code(self) -> str:
        s = self.start
        if self.kind == "month":
            return f"m{s.year:04d}-{s.month:02d}"
        if self.kind == "quarter":
            return f"q{s.year:04d}-{(s.month - 1) // 3 + 1}"
        if self.kind == "fiscal_year":
            return f"fy{fiscal_year_be(s)}"
        return f"y{s.year:04d}"

    def shifted(self, months: int) -> Period:
        """The same kind of period ``months`` away, as many days long when this one is to
        date (and never past its own end)."""
        start = add_months(self.start, months)
        full_end = add_months(self.full_end, months)
        end = full_end if not self.is_to_date else min(full_end, add_months(self.end, months))
        return Period(self.kind, start, end, full_end)

    def previous(self) -> Period:
        return self.shifted(-_MONTHS[self.kind])

    def year_before(self) -> Period:
        return self.shifted(-12)

    def label(self, lang: str) -> str:
        """ "ปีงบประมาณ 2569", "ไตรมาส 1/2569 (ม.ค.–มี.ค.)", "ม.ค. 2569"; English in CE."""
        th = lang == "th"
        s, last = self.start, self.full_end - dt.timedelta(days=1)
        year = s.year + (BE_OFFSET if th else 0)
        months = TH_MONTHS if th else EN_MONTHS
        if self.kind == "month":
            text = f"{months[s.month - 1]} {year}"
        elif self.kind == "quarter":
            q = (s.month - 1) // 3 + 1
            span = f"{months[s.month - 1]}–{months[last.month - 1]}"
            text = f"ไตรมาส {q}/{year} ({span})" if th else f"Q{q} {year} ({span})"
        elif self.kind == "fiscal_year":
            fy = fiscal_year_be(s) - (0 if th else BE_OFFSET)
            first = f"{months[s.month - 1]} {s.year + (BE_OFFSET if th else 0)}"
            end = f"{months[last.month - 1]} {last.year + (BE_OFFSET if th else 0)}"
            text = f"ปีงบประมาณ {fy} ({first} – {end})" if th else f"FY{fy} ({first} – {end})"
        else:
            text = f"ปี {year}" if th else str(year)
        if self.is_to_date:
            to = self.end - dt.timedelta(days=1)
            to_text = f"{to.day} {months[to.month - 1]} {to.year + (BE_OFFSET if th else 0)}"
            text += f" ถึง {to_text}" if th else f" to {to_text}"
        return text


def containing(kind: str, day: dt.date) -> Period:
    """The whole period of ``kind`` that ``day`` falls in."""
    if kind == "month":
        start = day.replace(day=1)
    elif kind == "quarter":
        start = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    elif kind == "fiscal_year":
        year = day.year if day.month >= FISCAL_START_MONTH else day.year - 1
        start = dt.date(year, FISCAL_START_MONTH, 1)
    elif kind == "year":
        start = dt.date(day.year, 1, 1)
    else:
        raise ValidationFailed("impact.period.unknown", code=kind)
    end = add_months(start, _MONTHS[kind])
    return Period(kind, start, end, end)


def relative(code: str, reference_day: dt.date) -> Period:
    """ "this_fiscal_year" (to date: through ``reference_day``), "last_quarter" (whole)…"""
    which, _, kind = code.partition("_")
    if which not in ("this", "last") or kind not in KINDS:
        raise ValidationFailed("impact.period.unknown", code=code)
    current = containing(kind, reference_day)
    if which == "last":
        return current.previous()
    end = min(current.full_end, reference_day + dt.timedelta(days=1))
    return Period(kind, current.start, end, current.full_end)


def parse(code: str, reference_day: dt.date) -> Period:
    """A period from its code (relative codes against ``reference_day``)."""
    if code in RELATIVE:
        return relative(code, reference_day)
    m = _CODE.match(code or "")
    if not m:
        raise ValidationFailed("impact.period.unknown", code=code)
    if m.group(1):
        month = int(m.group(2))
        if not 1 <= month <= 12:
            raise ValidationFailed("impact.period.unknown", code=code)
        return containing("month", dt.date(int(m.group(1)), month, 1))
    if m.group(3):
        return containing("quarter", dt.date(int(m.group(3)), (int(m.group(4)) - 1) * 3 + 1, 1))
    if m.group(5):
        ends_ce = int(m.group(5)) - BE_OFFSET
        return containing("fiscal_year", dt.date(ends_ce - 1, FISCAL_START_MONTH, 1))
    return containing("year", dt.date(int(m.group(6)), 1, 1))


def choices(reference_day: dt.date, first_day: dt.date) -> list[str]:
    """Period codes to offer: the relative ones, then every fiscal year, year, quarter and
    month with data (newest first), from ``first_day`` to ``reference_day``."""
    out = list(RELATIVE)
    for kind in ("fiscal_year", "year", "quarter", "month"):
        p = containing(kind, reference_day)
        while p.full_end > first_day:
            out.append(p.code)
            p = p.previous()
    return out
