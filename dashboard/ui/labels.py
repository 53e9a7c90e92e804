"""Codes in words, in the reader's language: provinces, districts, roles, languages, scopes,
dates and day counts. Reference names come from ``geothai``; nothing here reads a database.
"""

from __future__ import annotations

import datetime as dt

import geothai
import polars as pl

from dashboard import formatting, i18n
from dashboard.errors import AppError
from dashboard.identity import authz
from dashboard.identity.user import User
from dashboard.ui.text import language, t


def province_label(code: str | None) -> str:
    """A province's name (``82`` → ``พังงา``); a dash when there is none."""
    return formatting.province_name(code, language()) if code else formatting.MISSING


def province_code_label(code: str) -> str:
    """A province with its code, for pickers where officers type the code (``82 พังงา``)."""
    return f"{code} {formatting.province_name(code, language())}"


def district_name(code: str | None) -> str:
    """A district's name from its DOPA code (``5001`` → ``เมืองเชียงใหม่``); the code when
    unknown."""
    district = geothai.district(str(code)) if code else None
    if district is None:
        return formatting.MISSING if not code else str(code)
    return district.name_th if language() == "th" else district.name_en


def with_district_names(df: pl.DataFrame, column: str = "district_code") -> pl.DataFrame:
    """``df`` plus a ``district`` column: the district's name in the reader's language."""
    names = {code: district_name(code) for code in df[column].unique().to_list()}
    return df.with_columns(pl.col(column).replace_strict(names, default=None).alias("district"))


def with_province_names(df: pl.DataFrame, column: str = "province_code") -> pl.DataFrame:
    """``df`` plus a ``province`` column: the province's name in the reader's language."""
    names = {code: province_label(code) for code in df[column].unique().to_list()}
    return df.with_columns(pl.col(column).replace_strict(names, default=None).alias("province"))


def districts_of(province_code: str) -> list[str]:
    return [d.code for d in geothai.districts(province_code)]


def subdistricts_of(district_code: str) -> dict[str, tuple[str, list[str]]]:
    """Subdistrict code → (name in the reader's language, its postal codes)."""
    lang = language()
    return {
        s.code: (s.name_th if lang == "th" else s.name_en, list(s.postal_codes))
        for s in geothai.subdistricts(district_code)
    }


def role_name(role: str) -> str:
    return t(f"role.{role}")


def language_name(code: str) -> str:
    """A language in its own words (ไทย, English), whatever the reader's language."""
    return i18n.translate(f"language.{code}", code)


def scope_text(user: User) -> str:
    """The user's data scope in words: national, provinces by name, branch or region."""
    try:
        label = authz.scope_label(user)
    except AppError:
        return t("scope.none")
    lang = language()
    if label["kind"] == "provinces":
        names = ", ".join(formatting.province_name(code, lang) for code in label["codes"])
        return t("scope.provinces", names=names)
    if label["kind"] == "branch":
        return t("scope.branch", code=label["code"])
    if label["kind"] == "postal_region":
        return t("scope.postal_region", number=formatting.postal_region_number(label["code"]))
    return t("scope.national")


def format_datetime(value: dt.datetime | None) -> str:
    """A date and time in the reader's calendar (Buddhist era in Thai)."""
    return formatting.format_datetime(value, language())


def format_date(value: dt.date | None) -> str:
    return formatting.format_date(value, language())


def format_days(value: float | None) -> str:
    """A number of days with one decimal (``2.5``); a dash when there is none yet."""
    return formatting.format_number(value, decimals=1) if value is not None else formatting.MISSING
