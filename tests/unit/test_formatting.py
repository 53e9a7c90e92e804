"""Thai and English formats: Buddhist-era dates with Thai month abbreviations, Baht,
grouped numbers, place names, and Thai-capable fonts in charts."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from dashboard import charts, formatting


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (dt.date(2020, 11, 2), "th", "2 พ.ย. 2563"),
        (dt.date(2020, 11, 2), "en", "2 Nov 2020"),
        (dt.date(2024, 1, 31), "th", "31 ม.ค. 2567"),
        (dt.date(2024, 4, 13), "th", "13 เม.ย. 2567"),
        (dt.datetime(2025, 12, 31, 23, 59), "th", "31 ธ.ค. 2568"),
        (None, "th", "–"),
    ],
)
def test_format_date(value: dt.date | None, lang: str, expected: str) -> None:
    assert formatting.format_date(value, lang) == expected


def test_every_thai_month_abbreviation() -> None:
    got = [formatting.month_abbr(m, "th") for m in range(1, 13)]
    assert got == "ม.ค. ก.พ. มี.ค. เม.ย. พ.ค. มิ.ย. ก.ค. ส.ค. ก.ย. ต.ค. พ.ย. ธ.ค.".split()


def test_datetimes_show_in_thai_time() -> None:
    utc = dt.datetime(2020, 11, 1, 20, 30, tzinfo=dt.UTC)  # 03:30 next day in Bangkok
    assert formatting.format_datetime(utc, "th") == "2 พ.ย. 2563 03:30"
    assert formatting.format_datetime(utc, "en") == "2 Nov 2020 03:30"
    # Naive times are the lake's Bangkok wall-clock times already.
    assert formatting.format_datetime(dt.datetime(2020, 11, 2, 9, 5), "th") == "2 พ.ย. 2563 09:05"


def test_format_month_for_chart_axes() -> None:
    assert formatting.format_month(dt.date(2020, 11, 1), "th") == "พ.ย. 2563"
    assert formatting.format_month(dt.date(2020, 11, 1), "en") == "Nov 2020"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234.56, "฿1,234.56"),
        (1234, "฿1,234.00"),
        (0, "฿0.00"),
        (-1234567.891, "-฿1,234,567.89"),
        (None, "–"),
        (float("nan"), "–"),
    ],
)
def test_format_baht(value: float | None, expected: str) -> None:
    assert formatting.format_baht(value) == expected


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (157_323_456.78, "th", "฿157.32 ล้าน"),
        (157_323_456.78, "en", "฿157.32 M"),
        (-2_500_000, "th", "-฿2.50 ล้าน"),
        (999_999.99, "th", "฿999,999.99"),  # under a million: to the satang
        (None, "en", "–"),
    ],
)
def test_headline_amounts_in_millions(value: float | None, lang: str, expected: str) -> None:
    assert formatting.format_baht_short(value, lang) == expected


def test_numbers_are_grouped() -> None:
    assert formatting.format_number(1234567) == "1,234,567"
    assert formatting.format_number(1234.5, decimals=2) == "1,234.50"
    assert formatting.format_percent(93.456) == "93.5%"


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (50123, "count", "50,123"),
        (217698.0, "thb", "฿217,698.00"),
        (28.71, "percent", "28.7%"),
        (12.0, "count", "12"),
    ],
)
def test_format_value_by_unit(value: float, unit: str, expected: str) -> None:
    assert formatting.format_value(value, unit) == expected


def test_place_names() -> None:
    assert formatting.province_name("82", "th") == "พังงา"
    assert formatting.province_name("10", "th") == "กรุงเทพมหานคร"
    assert formatting.province_name("99", "th") == "99"
    assert formatting.postal_region_number("PR06") == "6"
    assert len(formatting.province_codes()) == 77


def test_charts_name_a_thai_font_and_thai_month_ticks() -> None:
    monthly = pl.DataFrame(
        {
            "month": [dt.date(2020, 10, 1), dt.date(2020, 11, 1)],
            "value": [10.0, 20.0],
            "series": ["sales_thb_monthly"] * 2,
        }
    )
    fig = charts.monthly_figure(
        monthly, "th", series_names={"sales_thb_monthly": "ยอดขาย"}, title="ยอดขายรายเดือน"
    )
    assert fig.layout.font.family == charts.THAI_FONT_FAMILY
    assert charts.THAI_FONT_FAMILY.startswith("Noto Sans Thai")
    assert list(fig.data[0].x) == ["ต.ค. 2563", "พ.ย. 2563"]
    assert fig.data[0].name == "ยอดขาย"
    assert fig.layout.title.text == "ยอดขายรายเดือน"
    assert fig.layout.title.font.family == charts.THAI_FONT_FAMILY


def test_an_empty_chart_still_builds() -> None:
    empty = pl.DataFrame(schema={"month": pl.Date, "value": pl.Float64, "series": pl.Utf8})
    fig = charts.monthly_figure(empty, "en", series_names={})
    assert len(fig.data) == 0
