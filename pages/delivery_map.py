"""The network map (branch managers: their branch or region; admins: the country):
branches coloured by the on-time target and sized by volume, origin–destination flows,
destination density and an on-time choropleth, over province boundaries drawn offline.
Clicking a branch opens its scorecard and late list under the map (``card`` in the URL)."""

import streamlit as st

from dashboard import ui
from dashboard.identity.user import User
from dashboard.logistics import network_map, performance, scorecards
from dashboard.ui import lake, widgets
from dashboard.ui import logistics as logistics_ui
from warehouse.settings import load_settings

VIEW_PARAM = "view"


def render(user: User) -> None:
    st.title(ui.t("nav.delivery_map"))
    with ui.errors_shown():
        f = logistics_ui.filters(user, key="map")
        view = (
            widgets.url_select(
                "logistics.map.view",
                "logistics.map.view.branches",
                [v for v in network_map.VIEWS if v != "branches"],
                lambda v: ui.t(f"logistics.map.view.{v}"),
                key="map_view",
                param=VIEW_PARAM,
            )
            or "branches"
        )
        con = lake.reader()
        cards = scorecards.scorecards(user, f, con=con)
        mv = network_map.map_view(user, view, f, lang=ui.language(), con=con)
        legend = {
            "flows": {"top": network_map.TOP_FLOWS},
            "density": {"km": round(network_map.GRID_DEGREES * 111)},
        }.get(view, {})
        st.caption(ui.t(f"logistics.map.legend.{view}", **legend))
        if view == "branches":
            logistics_ui.none_ranked_note(cards)
            st.caption(ui.t("logistics.map.click_help"))
            event = st.pydeck_chart(
                mv.deck,
                on_select="rerun",
                selection_mode="single-object",
                key="map_deck",
            )
            picked = network_map.picked_branch(event)
        else:
            st.pydeck_chart(mv.deck, key=f"map_deck_{view}")
            picked = None
        st.caption(
            mv.attribution
            + (" · © CARTO, © OpenStreetMap" if load_settings().basemap == "carto" else "")
            + " · "
            + ui.t("logistics.map.payload", size=f"{mv.payload_bytes / 1024:,.0f} KB")
        )
        codes = cards["branch_code"].to_list()
        chosen = picked or widgets.query_value("card", codes)
        widgets.mirror_query_params({"card": chosen})
        if chosen in codes:
            card = cards.filter(cards["branch_code"] == chosen).row(0, named=True)
            logistics_ui.branch_detail(user, f, card)


user = ui.guard("delivery_map")
with performance.one_view():  # the scope and "now" read once per run
    render(user)
