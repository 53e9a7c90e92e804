"""UI helpers of the payments pages: codes inside list columns in the reader's words."""

from __future__ import annotations

import polars as pl

from dashboard import i18n
from dashboard.ui import widgets
from dashboard.ui.text import language, t
from warehouse import vocab


def with_hold_words(df: pl.DataFrame) -> pl.DataFrame:
    """``hold_reasons`` (a list of codes) as the reader's words, for the table's one column."""
    lang = language()
    words = {c: i18n.translate(f"payments.hold.{c}", lang) for c in vocab.HOLD_REASONS}
    return df.with_columns(
        pl.col("hold_reasons").list.eval(pl.element().replace(words)).alias("hold_reasons")
    )


WINDOWS = ("7", "30", "90", "365")


def window_days(key: str) -> int:
    """The days of a payments page's window, chosen in a select mirrored to the URL
    (``?days=90``; 30 when absent)."""
    return int(
        widgets.url_select(
            "payments.window",
            "payments.window.30",
            [w for w in WINDOWS if w != "30"],
            lambda w: t(f"payments.window.{w}"),
            key=key,
            param="days",
        )
        or "30"
    )
