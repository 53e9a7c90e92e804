"""UI helpers of the provincial-sheet import: the good rows in words."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import geothai
import polars as pl

from dashboard.errors import AppError
from dashboard.onboarding import validators
from dashboard.onboarding.sheet_columns import localized
from dashboard.onboarding.validators import CheckResult
from dashboard.ui import labels
from dashboard.ui.text import language, show_error, t

R = TypeVar("R")


def subdistrict_name(code: str | None) -> str | None:
    """A subdistrict's name in the reader's language (the code when unknown)."""
    sub = geothai.subdistrict(str(code)) if code else None
    if sub is None:
        return code
    return sub.name_th if language() == "th" else sub.name_en


def good_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """The preview's good rows with district and subdistrict names and the bank's name."""
    names = {c: subdistrict_name(c) for c in frame["subdistrict_code"].unique().to_list()}
    return labels.with_district_names(frame).with_columns(
        pl.col("subdistrict_code").replace_strict(names, default=None).alias("subdistrict"),
        pl.col("bank_code").replace_strict(validators.BANKS, default=pl.col("bank_code")),
    )


def params(values: Mapping[str, Any]) -> dict[str, Any]:
    """A sheet message's params in the reader's language (see sheet_columns.localized)."""
    return localized(values, language())


def check_message(check: CheckResult) -> str:
    """One problem of a row in words, as plain text (escape it before markdown)."""
    return t(check.key, **params(check.params))


def attempt(call: Callable[..., R], *args: Any, **kwargs: Any) -> R | None:
    """Like ``text.attempt``, with the refusal's params in the reader's language."""
    try:
        return call(*args, **kwargs)
    except AppError as exc:
        show_error(type(exc)(exc.key, **params(exc.params)))
        return None
