"""Plotly figures of the payments pages (Thai-capable font through charts.base_layout)."""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import polars as pl

from dashboard import charts
from dashboard.payments.queue import AGE_BUCKETS


def breaks_by_age(age: pl.DataFrame, word: Callable[[str], str], y_title: str) -> go.Figure:
    """Money at risk per break class, stacked by age bucket; ``word`` names a catalog key."""
    fig = go.Figure()
    for code, *_ in AGE_BUCKETS:
        part = age.filter(pl.col("bucket") == code)
        fig.add_bar(
            x=[word(f"payments.class.{c}") for c in part["break_class"]],
            y=part["amount_thb"].to_list(),
            name=word(f"payments.age.{code}"),
            hovertemplate="%{x}<br>฿%{y:,.2f}<extra>%{fullData.name}</extra>",
        )
    fig.update_layout(**charts.base_layout())
    fig.update_layout(barmode="stack", yaxis_title=y_title, yaxis_tickformat=",.0f")
    return fig


def success_by_day(daily: pl.DataFrame, word: Callable[[str], str], y_title: str) -> go.Figure:
    """Success rate per channel and day, one line per channel."""
    fig = go.Figure()
    for channel in sorted(daily["channel"].unique().to_list()):
        part = daily.filter(pl.col("channel") == channel).sort("day")
        fig.add_scatter(
            x=part["day"].to_list(),
            y=part["success_rate"].to_list(),
            mode="lines",
            name=word(f"payments.channel.{channel}"),
            hovertemplate="%{x}<br>%{y:.1f}%<extra>%{fullData.name}</extra>",
        )
    fig.update_layout(**charts.base_layout())
    fig.update_layout(yaxis_title=y_title, yaxis_range=[0, 100])
    return fig


def lag_histogram(lag: pl.DataFrame, word: Callable[[str], str], x_title: str) -> go.Figure:
    """How many payments settled after how many business days, per rail."""
    fig = go.Figure()
    for rail in sorted(lag["rail"].unique().to_list()):
        part = lag.filter(pl.col("rail") == rail).sort("lag_business_days")
        fig.add_bar(
            x=part["lag_business_days"].to_list(),
            y=part["count_settled"].to_list(),
            name=word(f"payments.rail.{rail}"),
        )
    fig.update_layout(**charts.base_layout())
    fig.update_layout(barmode="group", xaxis_title=x_title, xaxis_dtick=1)
    return fig
