"""Plotly figure builders. Pure functions: frames and already-translated labels in, figure out.

Browsers render Thai only with a font that has Thai glyphs, and plotly's default font
stack ("Open Sans", verdana, arial) has none: Thai labels would fall back to whatever the
browser picks, or to boxes. Every figure therefore names a Thai-capable family first.
Plotly's date axis knows only English month names, so month ticks are our own labels
(``พ.ย. 2563``) on a category axis, in date order.
"""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go
import polars as pl

from dashboard.formatting import format_month

THAI_FONT_FAMILY = "Noto Sans Thai, Sarabun, Tahoma, sans-serif"
CHART_HEIGHT_PX = 360


def base_layout(title: str | None = None) -> dict:
    """Layout settings every figure of ours shares."""
    return {
        "font": {"family": THAI_FONT_FAMILY, "size": 13},
        # A title sits at the top of the margin and the legend under it, just above the
        # plot: in 50 px the two overlapped (the Thai title over the legend's first entry).
        "title": {
            "text": title,
            "font": {"family": THAI_FONT_FAMILY},
            "y": 0.98,
            "yanchor": "top",
        }
        if title
        else None,
        "height": CHART_HEIGHT_PX,
        "margin": {"l": 10, "r": 10, "t": 80 if title else 20, "b": 10},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "hoverlabel": {"font": {"family": THAI_FONT_FAMILY}},
    }


def monthly_figure(
    monthly: pl.DataFrame,
    lang: str,
    *,
    series_names: Mapping[str, str],
    title: str | None = None,
    value_title: str | None = None,
) -> go.Figure:
    """A line per series over months.

    ``monthly`` has columns ``month`` (date), ``value`` and ``series`` (a metric key);
    ``series_names`` maps each key to its label in the reader's language.
    """
    fig = go.Figure()
    if monthly.height:
        months = monthly.select(pl.col("month").unique().sort())["month"].to_list()
        labels = [format_month(m, lang) for m in months]
        for (series,), part in monthly.sort("month").group_by("series", maintain_order=True):
            fig.add_trace(
                go.Scatter(
                    x=[format_month(m, lang) for m in part["month"].to_list()],
                    y=part["value"].to_list(),
                    name=series_names.get(series, series),
                    mode="lines+markers",
                    hovertemplate="%{x}: %{y:,.2f}<extra>%{fullData.name}</extra>",
                )
            )
        fig.update_xaxes(type="category", categoryorder="array", categoryarray=labels)
    fig.update_layout(**base_layout(title))
    fig.update_yaxes(title_text=value_title, tickformat=",.0f", rangemode="tozero")
    return fig
