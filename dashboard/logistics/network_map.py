"""The network map (pydeck, offline by default): province boundaries as the base layer
(Natural Earth, public domain; no web tiles unless the BASEMAP setting says "carto"), and
on it one of four views — the branches coloured by the on-time target and sized by
volume, origin–destination arcs between provinces (top N, coloured by late share),
destination density on a server-side grid, or a province choropleth of on-time rate.

Everything sent is aggregated and rounded here: no parcel's point reaches the browser.
Each view's payload (the deck's JSON) is measured (``MapView.payload_bytes``) and kept
under ``PAYLOAD_LIMIT_BYTES``. Tooltips are in the reader's language; Thai stays in
tooltips and legends (MapLibre misplaces Thai combining marks in on-map labels).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl
import pydeck as pdk

from dashboard import i18n
from dashboard.identity.user import User
from dashboard.logistics import performance, scorecards
from dashboard.logistics.performance import NO_FILTERS, Filters
from etl.reference import BOUNDARY_ATTRIBUTION, province_boundaries
from warehouse import query
from warehouse.settings import Settings, load_settings

VIEWS: tuple[str, ...] = ("branches", "flows", "density", "provinces")
PAYLOAD_LIMIT_BYTES = 2 * 1024 * 1024
TOP_FLOWS = 50
GRID_DEGREES = 0.1  # about 11 km: coarse enough that a cell never singles out a house
CARTO_STYLE = "light"
COORD_DECIMALS = 3
# Target status colours (RGBA): meets green, below red, too few grey.
STATUS_COLOURS = {
    "meets": [46, 125, 50, 220],
    "below": [198, 40, 40, 220],
    "too_few": [120, 120, 120, 180],
}
BRANCH_LAYER_ID = "branches"


@dataclass
class MapView:
    view: str
    deck: pdk.Deck
    payload_bytes: int
    layer_ids: list[str]
    attribution: str


@functools.cache
def _base_features() -> tuple[tuple[str, str, str, str], ...]:
    """(province_code, name_th, name_en, geometry as JSON text with rounded coordinates) of
    the simplified province boundaries: serialized once, then only the small properties
    change between views."""
    out = []
    for feature in province_boundaries()["features"]:
        geometry = feature["geometry"]
        geometry = {
            **geometry,
            "coordinates": [
                [
                    [[round(x, COORD_DECIMALS), round(y, COORD_DECIMALS)] for x, y in ring]
                    for ring in poly
                ]
                for poly in geometry["coordinates"]
            ],
        }
        props = feature["properties"]
        out.append(
            (
                props["province_code"],
                props["name_th"],
                props["name_en"],
                json.dumps(geometry, separators=(",", ":")),
            )
        )
    return tuple(out)


_RAW = "@@raw:"  # a layer's data given as JSON text, spliced in by CompactDeck.to_json


def _provinces_layer(values: dict[str, dict] | None, lang: str) -> tuple[pdk.Layer, str]:
    """The base layer; with ``values`` (province_code → on_time_rate, p50_hours, count) a
    choropleth of the on-time rate. Returns the layer and its data as JSON text (a
    GeoJSON FeatureCollection), which the deck splices in: the boundaries' coordinates
    are serialized once per process, not on every view."""
    features = []
    for code, name_th, name_en, geometry in _base_features():
        name = name_th if lang == "th" else name_en
        v = (values or {}).get(code)
        rate = v["on_time_rate"] if v else None
        props = {
            "province_code": code,
            "fill": _rate_colour(rate) if values is not None else [235, 235, 235, 255],
            "tip": (
                name
                if v is None
                else i18n.translate(
                    "logistics.map.province_tip",
                    lang,
                    name=name,
                    rate="–" if rate is None else f"{rate:.1f}",
                    count=v["count_shipments"],
                    hours="–" if v["p50_hours"] is None else f"{v['p50_hours']:.0f}",
                )
            ),
        }
        features.append(
            '{"type":"Feature","geometry":'
            + geometry
            + ',"properties":'
            + json.dumps(props, separators=(",", ":"), ensure_ascii=False)
            + "}"
        )
    raw = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
    layer = pdk.Layer(
        "GeoJsonLayer",
        _RAW + "provinces",
        id="provinces",
        stroked=True,
        filled=True,
        get_fill_color="properties.fill",
        get_line_color=[150, 150, 150, 255],
        line_width_min_pixels=0.5,
        pickable=values is not None,
    )
    return layer, raw


def _rate_colour(rate: float | None) -> list[int]:
    """Red (0 %) to green (100 %); grey without due items."""
    if rate is None:
        return [220, 220, 220, 255]
    r = max(0.0, min(1.0, rate / 100.0))
    return [int(200 * (1 - r) + 40 * r), int(60 * (1 - r) + 150 * r), 60, 200]


def _late_colour(share: float) -> list[int]:
    s = max(0.0, min(1.0, share / 100.0 * 4))  # 25 % late and above: full red
    return [int(40 + 200 * s), int(150 * (1 - s) + 40 * s), 60, 200]


def _branch_layer(cards: pl.DataFrame, lang: str) -> pdk.Layer:
    name_col = "name_th" if lang == "th" else "name_en"
    biggest = max(int(cards["count_accepted"].max() or 1), 1) if cards.height else 1
    rows = [
        {
            "branch_code": r["branch_code"],
            "position": [round(r["lon"], COORD_DECIMALS), round(r["lat"], COORD_DECIMALS)],
            "radius": round(800 + 6000 * (r["count_accepted"] / biggest) ** 0.5),
            "colour": STATUS_COLOURS[r["target_status"]],
            "tip": i18n.translate(
                "logistics.map.branch_tip",
                lang,
                code=r["branch_code"],
                name=r[name_col] or "",
                count=r["count_accepted"],
                rate="–" if r["on_time_rate"] is None else f"{r['on_time_rate']:.1f}",
                status=i18n.translate(f"logistics.target.{r['target_status']}", lang),
            ),
        }
        for r in cards.iter_rows(named=True)
        if r["lat"] is not None and r["lon"] is not None
    ]
    return pdk.Layer(
        "ScatterplotLayer",
        rows,
        id=BRANCH_LAYER_ID,
        get_position="position",
        get_radius="radius",
        get_fill_color="colour",
        radius_min_pixels=3,
        radius_max_pixels=30,
        pickable=True,
        auto_highlight=True,
    )


def _flow_layer(flows: pl.DataFrame, lang: str) -> pdk.Layer:
    biggest = max(int(flows["count_shipments"].max() or 1), 1) if flows.height else 1
    rows = [
        {
            "from": [r["origin_lon"], r["origin_lat"]],
            "to": [r["dest_lon"], r["dest_lat"]],
            "width": round(1 + 11 * r["count_shipments"] / biggest, 1),
            "colour": _late_colour(r["late_share"]),
            "tip": i18n.translate(
                "logistics.map.flow_tip",
                lang,
                origin=_province_name(r["origin_province_code"], lang),
                dest=_province_name(r["dest_province_code"], lang),
                count=r["count_shipments"],
                late=f"{r['late_share']:.1f}",
            ),
        }
        for r in flows.iter_rows(named=True)
    ]
    return pdk.Layer(
        "ArcLayer",
        rows,
        id="flows",
        get_source_position="from",
        get_target_position="to",
        get_width="width",
        get_source_color="colour",
        get_target_color="colour",
        pickable=True,
    )


def _density_layer(cells: pl.DataFrame, lang: str) -> pdk.Layer:
    biggest = max(int(cells["count_shipments"].max() or 1), 1) if cells.height else 1
    rows = [
        {
            "position": [r["lon"] - GRID_DEGREES / 2, r["lat"] - GRID_DEGREES / 2],
            "colour": [30, 90, 200, int(40 + 200 * (r["count_shipments"] / biggest) ** 0.5)],
            "tip": i18n.translate("logistics.map.cell_tip", lang, count=r["count_shipments"]),
        }
        for r in cells.iter_rows(named=True)
    ]
    return pdk.Layer(
        "GridCellLayer",
        rows,
        id="density",
        get_position="position",
        cell_size=int(GRID_DEGREES * 111_000),
        extruded=False,
        get_fill_color="colour",
        pickable=True,
    )


@functools.cache
def _province_names() -> dict[str, tuple[str, str]]:
    return {
        f["properties"]["province_code"]: (f["properties"]["name_th"], f["properties"]["name_en"])
        for f in province_boundaries()["features"]
    }


def _province_name(code: str, lang: str) -> str:
    th, en = _province_names().get(code, (code, code))
    return th if lang == "th" else en


def _view_state(points: list[tuple[float, float]]) -> pdk.ViewState:
    if not points:
        return pdk.ViewState(latitude=13.0, longitude=101.0, zoom=4.6)
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    span = max(max(lats) - min(lats), max(lons) - min(lons), 0.5)
    zoom = 8.0 if span < 1 else 7.0 if span < 2.5 else 6.0 if span < 5 else 4.6
    return pdk.ViewState(
        latitude=(max(lats) + min(lats)) / 2, longitude=(max(lons) + min(lons)) / 2, zoom=zoom
    )


class CompactDeck(pdk.Deck):
    """A deck whose JSON (what Streamlit sends) has no indentation: pydeck indents by two
    spaces per level, which makes a boundary layer's coordinates several times bigger.
    Layer data given as JSON text (``raw``: the placeholder's name → text) is spliced in
    as it is; the JSON is made once per deck (the payload measure and Streamlit share it).
    """

    def __init__(self, *args: Any, raw: dict[str, str] | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._raw = raw or {}
        self._json: str | None = None

    def to_json(self) -> str:
        if self._json is None:
            # pydeck serializes every attribute: ours stay out of the deck's JSON.
            own = {k: self.__dict__.pop(k) for k in ("_raw", "_json")}
            try:
                text = json.dumps(
                    json.loads(super().to_json()), separators=(",", ":"), ensure_ascii=False
                )
            finally:
                self.__dict__.update(own)
            for name, raw in self._raw.items():
                text = text.replace(json.dumps(_RAW + name), raw, 1)
            self._json = text
        return self._json


def deck(
    layers: list[pdk.Layer],
    view_state: pdk.ViewState,
    basemap: str,
    raw: dict[str, str] | None = None,
) -> pdk.Deck:
    """The deck: no basemap (offline) unless ``basemap`` is "carto"."""
    kw: dict[str, Any] = (
        {"map_provider": "carto", "map_style": CARTO_STYLE}
        if basemap == "carto"
        else {"map_provider": None, "map_style": None}
    )
    return CompactDeck(
        layers=layers,
        initial_view_state=view_state,
        tooltip={"text": "{tip}"},
        raw=raw,
        **kw,
    )


def payload_bytes(d: pdk.Deck) -> int:
    """What the browser receives for the deck: its JSON, in bytes."""
    return len(d.to_json().encode("utf-8"))


def map_view(
    user: User | None,
    view: str,
    f: Filters = NO_FILTERS,
    *,
    lang: str = "th",
    con: duckdb.DuckDBPyConnection | None = None,
    settings: Settings | None = None,
) -> MapView:
    """The deck of one map view for the user's scope and filters (see the module doc)."""
    if view not in VIEWS:
        raise ValueError(f"map view {view!r}: one of {VIEWS}")
    settings = settings or load_settings()
    with performance.reading(con, settings) as c:
        ctx = performance.context(user, c, f, settings)
        cards = scorecards.scorecards_for(c, ctx, settings)
        points = [
            (r["lat"], r["lon"])
            for r in cards.select("lat", "lon").drop_nulls().iter_rows(named=True)
        ]
        layers: list[pdk.Layer]
        if view == "provinces":
            values = {
                r["province_code"]: r
                for r in query.run(c, "logistics/map_provinces", **ctx.params()).iter_rows(
                    named=True
                )
            }
            base, raw = _provinces_layer(values, lang)
            layers = [base]
        else:
            base, raw = _provinces_layer(None, lang)
            layers = [base]
            if view == "branches":
                layers.append(_branch_layer(cards, lang))
            elif view == "flows":
                flows = query.run(c, "logistics/map_flows", **ctx.params(top=TOP_FLOWS))
                layers.append(_flow_layer(flows, lang))
            else:
                cells = query.run(c, "logistics/map_density", **ctx.params(cell=GRID_DEGREES))
                layers.append(_density_layer(cells, lang))
    d = deck(layers, _view_state(points), settings.basemap, {"provinces": raw})
    return MapView(view, d, payload_bytes(d), [layer.id for layer in layers], BOUNDARY_ATTRIBUTION)


def picked_branch(selection: Any) -> str | None:
    """The branch a map click picked, from Streamlit's pydeck selection state."""
    objects = (getattr(selection, "selection", None) or {}).get("objects", {}) if selection else {}
    if not objects and isinstance(selection, dict):
        objects = selection.get("selection", {}).get("objects", {})
    picked = objects.get(BRANCH_LAYER_ID) or []
    return picked[0].get("branch_code") if picked else None
