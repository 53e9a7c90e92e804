"""The map builders on the demo lake: each view returns its layers over the province base
layer, offline unless the basemap setting says otherwise, branches only of the user's
scope, and every view's payload measured and under 2 MB."""

from __future__ import annotations

import json

import pytest

from dashboard.identity.user import CLI_ACTOR
from dashboard.logistics import network_map
from dashboard.logistics.performance import Filters
from warehouse.lake import connect_reader
from warehouse.settings import Settings


@pytest.fixture(scope="module")
def con(demo_settings: Settings):
    c = connect_reader(demo_settings)
    yield c
    c.close()


def _spec(mv: network_map.MapView) -> dict:
    return json.loads(mv.deck.to_json())


@pytest.mark.parametrize("view", network_map.VIEWS)
@pytest.mark.parametrize("region", [None, "PR06"])
def test_each_view_has_its_layers_and_stays_under_the_payload_limit(
    con, demo_settings: Settings, view: str, region: str | None
) -> None:
    mv = network_map.map_view(
        CLI_ACTOR, view, Filters(region=region), con=con, settings=demo_settings
    )
    assert mv.layer_ids[0] == "provinces"
    expected = {"branches": "branches", "flows": "flows", "density": "density"}.get(view)
    assert mv.layer_ids == ["provinces"] + ([expected] if expected else [])
    assert mv.payload_bytes == len(mv.deck.to_json().encode("utf-8"))
    assert mv.payload_bytes <= network_map.PAYLOAD_LIMIT_BYTES
    spec = _spec(mv)
    assert spec.get("mapProvider") in (None, "") and not spec.get("mapStyle")  # offline
    assert "Natural Earth" in mv.attribution
    # The boundaries are sent once, as the base layer's data, with every province.
    assert mv.deck.to_json().count("FeatureCollection") == 1
    assert len(spec["layers"][0]["data"]["features"]) == 77


def test_branch_tooltips_follow_the_language(con, demo_settings: Settings) -> None:
    th = network_map.map_view(CLI_ACTOR, "branches", con=con, settings=demo_settings, lang="th")
    en = network_map.map_view(CLI_ACTOR, "branches", con=con, settings=demo_settings, lang="en")
    tip_th = _spec(th)["layers"][1]["data"][0]["tip"]
    tip_en = _spec(en)["layers"][1]["data"][0]["tip"]
    assert "ตรงเวลา" in tip_th and "on time" in tip_en


def test_density_sends_grid_cells_not_parcels(con, demo_settings: Settings) -> None:
    mv = network_map.map_view(CLI_ACTOR, "density", con=con, settings=demo_settings)
    cells = _spec(mv)["layers"][1]["data"]
    total = con.execute(
        "select count(*) from fct_shipment where accepted_at is not null"
    ).fetchone()[0]
    assert 0 < len(cells) < total


def test_a_region_managers_map_has_only_their_branches(
    con, demo_settings: Settings, make_user
) -> None:
    user, _ = make_user("branch_manager", postal_region_code="PR06")
    # This test's settings (its ops DB holds the user); the demo lake through ``con``.
    mv = network_map.map_view(user, "branches", con=con)
    codes = [row["branch_code"] for row in _spec(mv)["layers"][1]["data"]]
    regions = {
        r[0]
        for r in con.execute(
            "select distinct postal_region_code from dim_branch "
            "where list_contains(?, branch_code)",
            [codes],
        ).fetchall()
    }
    assert codes and regions == {"PR06"}


def test_carto_is_an_option(con, demo_settings: Settings) -> None:
    import dataclasses

    carto = dataclasses.replace(demo_settings, basemap="carto")
    mv = network_map.map_view(CLI_ACTOR, "provinces", con=con, settings=carto)
    assert _spec(mv)["mapProvider"] == "carto"


def test_a_click_on_a_branch_picks_it() -> None:
    state = {
        "selection": {
            "indices": {"branches": [0]},
            "objects": {"branches": [{"branch_code": "PO-1"}]},
        }
    }
    assert network_map.picked_branch(state) == "PO-1"
    assert network_map.picked_branch({"selection": {"objects": {}}}) is None
    assert network_map.picked_branch(None) is None
