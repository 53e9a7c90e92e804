"""The calendar dimension: Thai and fiscal years, public holidays, working days.

Holidays come from two committed tables: data/holidays_fixed.csv (same date every year)
and data/holidays_dated.csv (Buddhist holidays and substitution days, 2023-2027 only; see
its header for how sure each date is). Outside 2023-2027 only fixed-date holidays are known.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from etl.reference.places import read_csv
from etl.reference.schema import conform

BE_OFFSET = 543  # Buddhist era = Common era + 543
FISCAL_YEAR_START_MONTH = 10  # the Thai government's fiscal year starts on 1 October
SUNDAY = 7  # ISO day of week


def holidays(start: dt.date, end: dt.date) -> pl.DataFrame:
    """date_day, holiday_name_th, holiday_name_en: one row per holiday date in [start, end].

    Two holidays on one day (3 June 2023: Visakha Bucha and the Queen's birthday) share a
    row, their names joined with " / ".
    """
    fixed = read_csv(
        "holidays_fixed.csv",
        schema_overrides={"month": pl.Int32, "day": pl.Int32, "first_year": pl.Int32},
        infer_schema=True,
    )
    years = pl.DataFrame({"year": list(range(start.year, end.year + 1))}, schema={"year": pl.Int32})
    every_year = (
        fixed.join(years, how="cross")
        .filter(pl.col("year") >= pl.col("first_year"))
        .select(
            pl.date("year", "month", "day").alias("date_day"),
            "name_th",
            "name_en",
        )
    )
    dated = read_csv("holidays_dated.csv").select(
        pl.col("date").str.to_date("%Y-%m-%d").alias("date_day"), "name_th", "name_en"
    )
    return (
        pl.concat([every_year, dated])
        .filter(pl.col("date_day").is_between(start, end))
        .sort("date_day", "name_en")
        .group_by("date_day", maintain_order=True)
        .agg(
            pl.col("name_th").unique(maintain_order=True).str.join(" / ").alias("holiday_name_th"),
            pl.col("name_en").unique(maintain_order=True).str.join(" / ").alias("holiday_name_en"),
        )
    )


def build_dim_date(start: dt.date, end: dt.date) -> pl.DataFrame:
    """One row per day from start to end inclusive, with the columns of dim_date."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    days = pl.DataFrame({"date_day": pl.date_range(start, end, "1d", eager=True)})
    df = (
        days.join(holidays(start, end), on="date_day", how="left")
        .with_columns(
            year=pl.col("date_day").dt.year(),
            month=pl.col("date_day").dt.month(),
            quarter=pl.col("date_day").dt.quarter(),
            day_of_week=pl.col("date_day").dt.weekday(),
            is_public_holiday=pl.col("holiday_name_en").is_not_null(),
        )
        .with_columns(
            year_be=pl.col("year") + BE_OFFSET,
            fiscal_year_be=pl.col("year")
            + BE_OFFSET
            + (pl.col("month") >= FISCAL_YEAR_START_MONTH).cast(pl.Int32),
            is_working_day=(pl.col("day_of_week") != SUNDAY) & ~pl.col("is_public_holiday"),
        )
    )
    return conform("dim_date", df)
