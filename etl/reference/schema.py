"""Column names, order and polars dtypes of the reference tables, as in 0001_init.sql.

tests/reference checks these against the columns of a migrated DuckLake, so a change to the
migration that is not made here too fails a test instead of a load.
"""

from __future__ import annotations

import polars as pl

S = pl.String
F = pl.Float64

SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "dim_region": {"region_code": S, "name_th": S, "name_en": S},
    "dim_postal_region": {"postal_region_code": S, "name_th": S, "name_en": S},
    "dim_postal_zone": {"postal_zone": S, "name_th": S, "name_en": S},
    "dim_province": {
        "province_code": S,
        "name_th": S,
        "name_en": S,
        "region_code": S,
        "postal_region_code": S,
        "population_weight": F,
        "lat": F,
        "lon": F,
    },
    "dim_district": {
        "district_code": S,
        "province_code": S,
        "name_th": S,
        "name_en": S,
        "lat": F,
        "lon": F,
    },
    "dim_subdistrict": {
        "subdistrict_code": S,
        "district_code": S,
        "province_code": S,
        "name_th": S,
        "name_en": S,
        "postal_code": S,
        "lat": F,
        "lon": F,
        "population_weight": F,
    },
    "dim_postal_code": {
        "postal_code": S,
        "subdistrict_code": S,
        "district_code": S,
        "province_code": S,
        "postal_zone": S,
    },
    "dim_mail_centre": {
        "mail_centre_code": S,
        "name_th": S,
        "name_en": S,
        "province_code": S,
        "postal_region_code": S,
        "lat": F,
        "lon": F,
    },
    "dim_branch": {
        "branch_code": S,
        "name_th": S,
        "name_en": S,
        "branch_type": S,
        "subdistrict_code": S,
        "district_code": S,
        "province_code": S,
        "postal_code": S,
        "postal_region_code": S,
        "mail_centre_code": S,
        "lat": F,
        "lon": F,
        "is_active": pl.Boolean,
        "source": S,
    },
    "dim_digital_centre": {
        "digital_centre_id": S,
        "name_th": S,
        "name_en": S,
        "subdistrict_code": S,
        "district_code": S,
        "province_code": S,
        "lat": F,
        "lon": F,
    },
    "dim_date": {
        "date_day": pl.Date,
        "year": pl.Int32,
        "year_be": pl.Int32,
        "month": pl.Int32,
        "quarter": pl.Int32,
        "fiscal_year_be": pl.Int32,
        "day_of_week": pl.Int32,
        "is_public_holiday": pl.Boolean,
        "holiday_name_th": S,
        "holiday_name_en": S,
        "is_working_day": pl.Boolean,
    },
}

# What build_reference returns: every reference table except the calendar.
REFERENCE_TABLES: tuple[str, ...] = tuple(t for t in SCHEMAS if t != "dim_date")


def conform(table: str, df: pl.DataFrame) -> pl.DataFrame:
    """The table's columns in lake order with lake dtypes (a missing column is an error)."""
    schema = SCHEMAS[table]
    return df.select([pl.col(name).cast(dtype) for name, dtype in schema.items()])
