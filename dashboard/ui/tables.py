"""Tables, metrics and check lists on screen.

Tables keep their native types, so a click on a count or an amount header sorts 9 before
10; numbers are formatted by the column configuration (``1,234`` and ``฿1,234.56``), yes/no
columns are check boxes. Only what a reader must see in words becomes text: coded values
(a status, a seller type) through their catalog prefix, lists joined, and dates in Thai,
whose Buddhist-era years no column format can write.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl
import streamlit as st

from dashboard import formatting, i18n
from dashboard.ui.text import language, md, t

# Column names that hold baht, by suffix (the lake's and the services' vocabulary).
_BAHT_SUFFIXES = ("_thb",)
_DAYS = ("days_waiting", "median_days_to_decision", "days_to_decision")


def _translated(df: pl.DataFrame, name: str, prefix: str, lang: str) -> pl.Series:
    values = df[name].unique().drop_nulls().to_list()
    words = {
        v: i18n.translate(f"{prefix}.{v}", lang)
        for v in values
        if i18n.has_key(f"{prefix}.{v}", lang)
    }
    return df[name].cast(pl.Utf8).replace(words).fill_null(formatting.MISSING)


def _dates_as_text(series: pl.Series, lang: str, with_time: bool) -> pl.Series:
    # Each distinct value is formatted once: a long queue repeats its dates.
    fmt = formatting.format_datetime if with_time else formatting.format_date
    words = {v: fmt(v, lang) for v in series.unique().drop_nulls().to_list()}
    return series.replace_strict(words, default=formatting.MISSING, return_dtype=pl.Utf8)


def _column_config(name: str, dtype: pl.DataType, label: str) -> Any:
    if dtype == pl.Boolean:
        return st.column_config.CheckboxColumn(label)
    if dtype.is_integer():
        return st.column_config.NumberColumn(label, format="%,d")
    if dtype.is_float() or isinstance(dtype, pl.Decimal):
        if name.endswith(_BAHT_SUFFIXES):
            return st.column_config.NumberColumn(label, format="฿%,.2f")
        if name in _DAYS:
            return st.column_config.NumberColumn(label, format="%,.1f")
        return st.column_config.NumberColumn(label, format="%,.2f")
    if isinstance(dtype, pl.Datetime | pl.Date) and language() != "th":
        fmt = "D MMM YYYY, HH:mm" if isinstance(dtype, pl.Datetime) else "D MMM YYYY"
        return st.column_config.DatetimeColumn(label, format=fmt)
    return st.column_config.Column(label)


def display_frame(
    df: pl.DataFrame,
    columns: Mapping[str, str],
    value_prefixes: Mapping[str, str] | None = None,
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """The ``columns`` of ``df`` ready to show, and their column configuration.

    ``columns`` maps a column to the catalog key of its heading; ``value_prefixes`` maps a
    coded column to the catalog prefix of its values (``role`` → ``role.admin``).
    """
    lang = language()
    prefixes = value_prefixes or {}
    out: list[pl.Series] = []
    config: dict[str, Any] = {}
    for name in columns:
        series, dtype = df[name], df.schema[name]
        if name in prefixes:
            series = _translated(df, name, prefixes[name], lang)
        elif isinstance(dtype, pl.List):
            series = series.list.eval(pl.element().cast(pl.Utf8)).list.join(", ")
        elif isinstance(dtype, pl.Datetime | pl.Date) and lang == "th":
            series = _dates_as_text(series, lang, with_time=isinstance(dtype, pl.Datetime))
        elif isinstance(dtype, pl.Decimal):
            series = series.cast(pl.Float64)
        elif isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
            series = series.dt.convert_time_zone(str(formatting.LOCAL_TZ)).dt.replace_time_zone(
                None
            )
        # The column is named by its heading (what AppTest and a CSV of the table show);
        # the configuration formats it.
        heading = t(columns[name])
        out.append(series.alias(heading))
        config[heading] = _column_config(name, series.dtype, heading)
    return pl.DataFrame(out), config


def show_table(
    df: pl.DataFrame,
    columns: Mapping[str, str],
    value_prefixes: Mapping[str, str] | None = None,
    *,
    key: str | None = None,
    on_select: str = "ignore",
) -> Any:
    """A read-only table of ``df`` (see :func:`display_frame`); empty shows a note.

    With ``on_select="rerun"`` one row can be selected; the selection event is returned.
    """
    if df.is_empty():
        st.info(t("common.no_rows"), icon=":material/info:")
        return None
    shown, config = display_frame(df, columns, value_prefixes)
    if on_select == "ignore":
        return st.dataframe(shown, hide_index=True, key=key, column_config=config)
    return st.dataframe(
        shown,
        hide_index=True,
        key=key,
        column_config=config,
        on_select=on_select,
        selection_mode="single-row",
    )


def selected_row(event: Any) -> int | None:
    """The index of the row a single-row selection event picked, if any."""
    rows = getattr(getattr(event, "selection", None), "rows", None) if event else None
    return rows[0] if rows else None


def metric_grid(metrics: list, per_row: int = 3) -> None:
    """``home.Metric``s as rows of ``st.metric`` with translated labels and units."""
    for start in range(0, len(metrics), per_row):
        columns = st.columns(per_row)
        for column, metric in zip(columns, metrics[start : start + per_row], strict=False):
            column.metric(
                t(f"metric.{metric.key}"),
                formatting.format_value(metric.value, metric.unit),
                border=True,
            )


def check_text(check: Mapping[str, Any]) -> str:
    """One check's verdict in words, for markdown (its parameters escaped)."""
    return md(check["key"], **(check.get("params") or {}))


def show_checks(checks: list[Mapping[str, Any]]) -> None:
    """Each check on its own line: passed, warning or failed, with its reason."""
    for check in checks:
        if check.get("ok"):
            mark = ":green[:material/check_circle:]"
        elif check.get("severity") == "warning":
            mark = ":orange[:material/warning:]"
        else:
            mark = ":red[:material/cancel:]"
        st.markdown(f"{mark} {check_text(check)}")


def show_lines(key: str, rows: list[Mapping[str, Any]]) -> None:
    """One markdown line per row: the catalog message ``key`` filled with the row (escaped)."""
    for row in rows:
        st.markdown(md(key, **row))
