"""Thai public holidays from the ``holidays`` package, for the working-day calendar of the
delivery standards (lake view ``mart_working_day``).

The package's Thai calendar, categories public and government (the days post offices and
government offices close; bank-only days such as 1 July are not delivery holidays). Days
the cabinet adds at short notice are not in any package: they come through the
``holiday_overrides`` feed (``ref_holiday_override``), which wins over this table.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import holidays
import polars as pl

CATEGORIES = ("public", "government")
SOURCE = f"holidays=={holidays.__version__}"


def public_holidays(start: dt.date, end: dt.date) -> pl.DataFrame:
    """date_day, name_th, name_en: one row per holiday date in [start, end]."""
    years = range(start.year, end.year + 1)
    en = holidays.country_holidays("TH", years=years, categories=CATEGORIES, language="en_US")
    th = holidays.country_holidays("TH", years=years, categories=CATEGORIES, language="th")
    days = sorted(d for d in en if start <= d <= end)
    return pl.DataFrame(
        {
            "date_day": days,
            "name_th": [th.get(d) for d in days],
            "name_en": [en.get(d) for d in days],
            "source": [SOURCE] * len(days),
        },
        schema={"date_day": pl.Date, "name_th": pl.Utf8, "name_en": pl.Utf8, "source": pl.Utf8},
    )


def write_public_holidays(con: duckdb.DuckDBPyConnection) -> int:
    """Replace ref_public_holiday with the package's holidays over dim_date's range; the
    caller holds the writer (one transaction here). Returns the number of holidays."""
    first, last = con.execute("select min(date_day), max(date_day) from dim_date").fetchone()
    if first is None:
        return 0
    frame = public_holidays(first, last)
    con.execute("begin")
    try:
        con.execute("delete from ref_public_holiday")
        con.register("_holidays", frame.to_arrow())
        con.execute("insert into ref_public_holiday by name select * from _holidays")
        con.unregister("_holidays")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return frame.height
