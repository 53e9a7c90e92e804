"""UI helpers of the payments pages: codes inside list columns in the reader's words."""

from __future__ import annotations

import polars as pl

from dashboard import i18n
from dashboard.ui.text import language
from warehouse import vocab


def with_hold_words(df: pl.DataFrame) -> pl.DataFrame:
    """``hold_reasons`` (a list of codes) as the reader's words, for the table's one column."""
    lang = language()
    words = {c: i18n.translate(f"payments.hold.{c}", lang) for c in vocab.HOLD_REASONS}
    return df.with_columns(
        pl.col("hold_reasons").list.eval(pl.element().replace(words)).alias("hold_reasons")
    )
