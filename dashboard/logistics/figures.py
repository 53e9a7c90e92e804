"""Plotly figures of the logistics pages (the shared base layout, Thai-capable font)."""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go
import polars as pl

from dashboard.charts import base_layout
from dashboard.formatting import format_date


def d_plus_k_figure(df: pl.DataFrame, names: Mapping[str, str], cap: int) -> go.Figure:
    """Bars of delivered shipments per D+k, the on-time part apart."""
    labels = [f"D+{k}" + ("+" if k == cap else "") for k in df["k"].to_list()]
    on_time = df["count_on_time"].to_list()
    late = [a - b for a, b in zip(df["count_shipments"].to_list(), on_time, strict=True)]
    fig = go.Figure(
        [
            go.Bar(x=labels, y=on_time, name=names["on_time"], marker_color="#2e7d32"),
            go.Bar(x=labels, y=late, name=names["late"], marker_color="#c62828"),
        ]
    )
    fig.update_layout(**base_layout(names.get("title")), barmode="stack")
    return fig


def weekly_figure(df: pl.DataFrame, lang: str, names: Mapping[str, str]) -> go.Figure:
    """Shipments accepted per week (bars) and the on-time rate (line, right axis)."""
    weeks = [format_date(w, lang) for w in df["week"].to_list()]
    fig = go.Figure(
        [
            go.Bar(x=weeks, y=df["count_accepted"].to_list(), name=names["accepted"]),
            go.Scatter(
                x=weeks,
                y=df["on_time_rate"].to_list(),
                name=names["on_time_rate"],
                yaxis="y2",
                mode="lines+markers",
            ),
        ]
    )
    fig.update_layout(
        **base_layout(names.get("title")),
        yaxis2={"overlaying": "y", "side": "right", "range": [0, 100], "ticksuffix": "%"},
    )
    return fig
