"""The committed province boundaries: every province once, keyed as the lake keys them."""

from __future__ import annotations

import geothai

from etl.reference import boundaries
from etl.reference.geography import build_geography


def test_every_province_once_with_its_dopa_code_and_names():
    features = boundaries.province_boundaries()["features"]
    codes = [f["properties"]["province_code"] for f in features]
    assert sorted(codes) == sorted(p.code for p in geothai.provinces())
    names = {p.code: (p.name_th, p.name_en) for p in geothai.provinces()}
    for f in features:
        props = f["properties"]
        assert (props["name_th"], props["name_en"]) == names[props["province_code"]]
        assert f["geometry"]["type"] == "MultiPolygon"


def test_the_file_is_small_enough_to_send_to_a_browser():
    assert boundaries.PATH.stat().st_size < 1_000_000


def test_province_capitals_fall_inside_their_own_polygon():
    provinces = build_geography()["dim_province"]
    inside = [
        boundaries.province_at(r["lat"], r["lon"]) == r["province_code"]
        for r in provinces.iter_rows(named=True)
    ]
    # Natural Earth's simplified coastline leaves Samut Prakan's seat just offshore.
    assert sum(inside) >= 76


def test_points_outside_thailand_belong_to_no_province():
    assert boundaries.province_at(13.75, 100.5) == "10"  # Bangkok
    assert boundaries.province_at(8.45, 98.53) == "82"  # Phang Nga
    assert boundaries.province_at(10.0, 96.0) is None  # Andaman Sea
    assert boundaries.province_at(21.0, 105.8) is None  # Hanoi


def test_a_copy_is_returned_so_callers_may_add_properties():
    first = boundaries.province_boundaries()
    first["features"][0]["properties"]["value"] = 1
    assert "value" not in boundaries.province_boundaries()["features"][0]["properties"]
