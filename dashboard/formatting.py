"""Numbers, money and dates the way Thai and English readers expect them.

Pure functions, no Streamlit: pages, charts and exports share them. Thai dates use the
Buddhist era (BE = CE + 543) and the abbreviated month names of official documents
(``2 พ.ย. 2563``); English dates keep the Common era (``2 Nov 2020``).
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import geothai

BE_OFFSET = 543

THAI_MONTHS_ABBR: tuple[str, ...] = (
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
ENGLISH_MONTHS_ABBR: tuple[str, ...] = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)

# Shown for a missing value instead of "None" or "nan".
MISSING = "–"
# Times are stored in UTC and shown as Thai wall-clock time.
LOCAL_TZ = ZoneInfo("Asia/Bangkok")


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def month_abbr(month: int, lang: str) -> str:
    """The abbreviated name of a month (1–12) in the language."""
    names = THAI_MONTHS_ABBR if lang == "th" else ENGLISH_MONTHS_ABBR
    return names[month - 1]


def display_year(year: int, lang: str) -> int:
    """Buddhist-era year for Thai readers, Common-era year otherwise."""
    return year + BE_OFFSET if lang == "th" else year


def format_date(value: date | datetime | None, lang: str) -> str:
    """``2 พ.ย. 2563`` in Thai, ``2 Nov 2020`` in English."""
    if _is_missing(value):
        return MISSING
    return f"{value.day} {month_abbr(value.month, lang)} {display_year(value.year, lang)}"


def format_datetime(value: datetime | None, lang: str) -> str:
    """A date as in :func:`format_date` followed by the 24-hour time, ``2 พ.ย. 2563 14:05``.

    An aware time is shown in Thai time (Asia/Bangkok); a naive one is taken as already
    local (the lake stores Bangkok wall-clock times).
    """
    if _is_missing(value):
        return MISSING
    if value.tzinfo is not None:
        value = value.astimezone(LOCAL_TZ)
    return f"{format_date(value, lang)} {value:%H:%M}"


def format_month(value: date | datetime | None, lang: str) -> str:
    """A month for chart axes and headings: ``พ.ย. 2563`` / ``Nov 2020``."""
    if _is_missing(value):
        return MISSING
    return f"{month_abbr(value.month, lang)} {display_year(value.year, lang)}"


def format_number(value: float | int | None, decimals: int = 0) -> str:
    """Grouped with commas, a point for decimals: ``1,234,567`` or ``1,234.50``."""
    if _is_missing(value):
        return MISSING
    return f"{value:,.{decimals}f}"


def format_baht(value: float | int | None, decimals: int = 2) -> str:
    """``฿1,234.56``; a negative amount reads ``-฿1,234.56``."""
    if _is_missing(value):
        return MISSING
    sign = "-" if value < 0 else ""
    return f"{sign}฿{abs(value):,.{decimals}f}"


MILLION = {"th": "ล้าน", "en": "M"}


def format_baht_short(value: float | int | None, lang: str) -> str:
    """An amount short enough for a headline card: from a million up in millions with two
    decimals (``฿157.32 ล้าน`` / ``฿157.32 M``, as briefings write ล้านบาท), else
    :func:`format_baht`."""
    if _is_missing(value) or abs(value) < 1_000_000:
        return format_baht(value)
    sign = "-" if value < 0 else ""
    return f"{sign}฿{abs(value) / 1_000_000:,.2f} {MILLION.get(lang, MILLION['en'])}"


def format_percent(value: float | int | None, decimals: int = 1) -> str:
    """A percentage given in percent (``93.4`` → ``93.4%``), not as a fraction."""
    if _is_missing(value):
        return MISSING
    return f"{value:,.{decimals}f}%"


def format_value(value: float | int | None, unit: str) -> str:
    """A figure by its unit: ``count`` (grouped integer), ``thb`` (Baht) or ``percent``."""
    if unit == "thb":
        return format_baht(value)
    if unit == "percent":
        return format_percent(value)
    if isinstance(value, float) and not _is_missing(value) and not value.is_integer():
        return format_number(value, decimals=2)
    return format_number(value)


def province_name(code: str, lang: str) -> str:
    """A province's name from its DOPA code (``82`` → ``พังงา``); the code when unknown.

    Names come from ``geothai``, the same reference the lake's province table is built from.
    """
    province = geothai.province(str(code))
    if province is None:
        return str(code)
    return province.name_th if lang == "th" else province.name_en


_POSTAL_REGION = re.compile(r"PR(\d{2})")


def postal_region_number(code: str) -> str:
    """The office number of a postal region code (``PR06`` → ``6``, as in ปข.6)."""
    match = _POSTAL_REGION.fullmatch(str(code))
    return str(int(match.group(1))) if match else str(code)


def province_codes() -> list[str]:
    """Every province's DOPA code, in code order (for pickers)."""
    return sorted(p.code for p in geothai.provinces())
