"""The province map: offline (no tiles), every drawn province from the committed file, a
withheld value grey, a click turned back into a province."""

from __future__ import annotations

import polars as pl

from dashboard.impact import charts
from etl.reference import BOUNDARY_ATTRIBUTION, province_boundaries


def _provinces() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "area_code": ["82", "83", "50"],
            "name_th": ["พังงา", "ภูเก็ต", "เชียงใหม่"],
            "name_en": ["Phang Nga", "Phuket", "Chiang Mai"],
            "value": [550.0, None, 150.0],
            "withheld": [False, True, False],
        }
    )


def test_choropleth_is_tile_free_and_keyed_by_province_code() -> None:
    fig = charts.choropleth(
        _provinces(),
        "th",
        title="มูลค่าสินค้าที่ส่งถึง",
        value_format=",.2f",
        withheld_text="น้อยกว่า 5",
        highlight="82",
    )
    assert fig.layout.map.style == "white-bg"
    grey, coloured, outline = fig.data
    assert list(grey.locations) == ["83"] and "น้อยกว่า 5" in grey.hovertemplate
    assert list(coloured.locations) == ["82", "50"] and list(coloured.z) == [550.0, 150.0]
    assert list(coloured.text) == ["พังงา", "เชียงใหม่"]  # Thai in the hover, not on the map
    assert list(outline.locations) == ["82"]
    codes = {f["properties"]["province_code"] for f in province_boundaries()["features"]}
    assert {"82", "83", "50"} <= codes and len(codes) == 77
    assert coloured.featureidkey == "properties.province_code"
    assert fig.layout.annotations[0].text == BOUNDARY_ATTRIBUTION


def test_a_click_on_the_map_picks_a_drawn_province() -> None:
    event = {"selection": {"points": [{"location": "82", "z": 550.0}]}}
    assert charts.clicked_province(event, ["82", "50"]) == "82"
    assert charts.clicked_province(event, ["50"]) is None  # not among those drawn
    assert charts.clicked_province({"selection": {"points": []}}, ["82"]) is None
    assert charts.clicked_province(None, ["82"]) is None
