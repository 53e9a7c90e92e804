"""The impact pages' figures: the province choropleth of one KPI, offline.

Plotly's tile-free map (``choropleth_map`` with ``map_style="white-bg"``) over the
committed province boundaries (``etl.reference.province_boundaries``, Natural Earth, public
domain): no web tiles, nothing fetched. Thai text stays in the hover and the legend (map
labels misplace Thai combining marks, DOMAIN.md). Pure functions: frames and translated
labels in, figure out; the page turns a click back into a province with
``clicked_province``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import polars as pl

from dashboard.charts import base_layout
from etl.reference import BOUNDARY_ATTRIBUTION, province_boundaries

MAP_HEIGHT_PX = 560
CENTRE = {"lat": 13.2, "lon": 101.0}
ZOOM = 4.4


@functools.cache
def _geojson() -> dict:
    return province_boundaries()


@functools.cache
def _bounds() -> dict[str, tuple[float, float, float, float]]:
    """Each province's (lon_min, lon_max, lat_min, lat_max)."""
    out = {}
    for feature in _geojson()["features"]:
        xs, ys = [], []
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                xs += [p[0] for p in ring]
                ys += [p[1] for p in ring]
        out[feature["properties"]["province_code"]] = (min(xs), max(xs), min(ys), max(ys))
    return out


def view_of(codes: list[str]) -> tuple[dict[str, float], float]:
    """Centre and zoom that fit these provinces (the whole country when they are all)."""
    boxes = [_bounds()[c] for c in codes if c in _bounds()]
    if not boxes or len(boxes) >= 70:
        return CENTRE, ZOOM
    x0, x1 = min(b[0] for b in boxes), max(b[1] for b in boxes)
    y0, y1 = min(b[2] for b in boxes), max(b[3] for b in boxes)
    span = max(x1 - x0, (y1 - y0) * 1.3, 0.3)
    zoom = max(ZOOM, min(9.0, math.log2(360.0 / span) - 0.9))
    return {"lat": (y0 + y1) / 2, "lon": (x0 + x1) / 2}, zoom


def choropleth(
    provinces: pl.DataFrame,
    lang: str,
    *,
    title: str,
    value_format: str,
    withheld_text: str,
    highlight: str | None = None,
) -> go.Figure:
    """Provinces coloured by ``value`` (columns area_code, name_th, name_en, value,
    withheld); a withheld or missing value is drawn grey and says so in its hover."""
    name = "name_th" if lang == "th" else "name_en"
    shown = provinces.filter(pl.col("value").is_not_null())
    grey = provinces.filter(pl.col("value").is_null())
    fig = go.Figure()
    if grey.height:
        fig.add_trace(
            go.Choroplethmap(
                geojson=_geojson(),
                featureidkey="properties.province_code",
                locations=grey["area_code"].to_list(),
                z=[0] * grey.height,
                colorscale=[[0, "#d9d9d9"], [1, "#d9d9d9"]],
                showscale=False,
                text=grey[name].to_list(),
                hovertemplate=f"%{{text}}: {withheld_text}<extra></extra>",
                marker={"line": {"width": 0.5, "color": "white"}},
            )
        )
    if shown.height:
        fig.add_trace(
            go.Choroplethmap(
                geojson=_geojson(),
                featureidkey="properties.province_code",
                locations=shown["area_code"].to_list(),
                z=shown["value"].to_list(),
                colorscale="YlGnBu",
                text=shown[name].to_list(),
                hovertemplate=f"%{{text}}: %{{z:{value_format}}}<extra></extra>",
                colorbar={"len": 0.6, "thickness": 12},
                marker={"line": {"width": 0.5, "color": "white"}},
            )
        )
    if highlight and highlight in provinces["area_code"].to_list():
        fig.add_trace(
            go.Choroplethmap(
                geojson=_geojson(),
                featureidkey="properties.province_code",
                locations=[highlight],
                z=[1],
                colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                showscale=False,
                hoverinfo="skip",
                marker={"line": {"width": 3, "color": "#d7301f"}},
            )
        )
    centre, zoom = view_of(provinces["area_code"].to_list())
    layout = base_layout(title)
    layout.update(
        height=MAP_HEIGHT_PX,
        map={"style": "white-bg", "center": centre, "zoom": zoom},
        annotations=[
            {
                "text": BOUNDARY_ATTRIBUTION,
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 0,
                "font": {"size": 10},
            }
        ],
    )
    fig.update_layout(**layout)
    return fig


def clicked_province(event: Any, choices: Mapping[str, Any] | list[str]) -> str | None:
    """The province code a map click selected (Streamlit's plotly selection event), or
    None; a code not among ``choices`` (the provinces drawn) is ignored."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points or ():
        code = point.get("location") if isinstance(point, Mapping) else None
        if code is not None and str(code) in choices:
            return str(code)
    return None


def event_study(
    events: list,
    *,
    title: str,
    x_title: str,
    y_title: str,
    effect_name: str,
    interval_name: str,
) -> go.Figure:
    """The digital centres' event study: the effect per month from opening (before it, the
    pre-trend check), each with its 95% interval; zero and the opening month marked."""
    months = [e.months for e in events]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=months + months[::-1],
            y=[e.high for e in events] + [e.low for e in events][::-1],
            fill="toself",
            fillcolor="rgba(31, 119, 180, 0.18)",
            line={"width": 0},
            hoverinfo="skip",
            name=interval_name,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=months,
            y=[e.effect for e in events],
            mode="lines+markers",
            name=effect_name,
            hovertemplate="%{x}: %{y:,.0f}<extra></extra>",
        )
    )
    fig.add_hline(y=0, line={"color": "#666", "width": 1})
    fig.add_vline(x=-0.5, line={"color": "#c0392b", "width": 1, "dash": "dash"})
    fig.update_layout(**base_layout(title=title))
    fig.update_xaxes(title=x_title, dtick=1)
    fig.update_yaxes(title=y_title, tickformat=",.0f")
    return fig
