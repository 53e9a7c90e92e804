"""Branch scorecards (branch managers: their branch or postal region; admins: the
country): each branch against the on-time target, ranked in its postal region and peer
group (too few parcels: not ranked); pick a branch for its weekly trend and late list,
which downloads as CSV or XLSX. The picked branch is kept in the URL (``card``)."""

import streamlit as st

from dashboard import ui
from dashboard.identity.user import User
from dashboard.logistics import performance, scorecards
from dashboard.ui import lake, tables, widgets
from dashboard.ui import logistics as logistics_ui

SCORECARD_COLUMNS = {
    "branch_code": "logistics.filter.branch",
    "name_th": "logistics.col.branch_name",
    "postal_region_code": "logistics.col.postal_region",
    "peer_group": "logistics.col.peer_group",
    "count_accepted": "logistics.kpi.shipments_accepted",
    "count_due": "logistics.col.count_due",
    "on_time_rate": "logistics.kpi.on_time_rate",
    "target_status": "logistics.col.target_status",
    "rank_in_region": "logistics.col.rank_in_region",
    "rank_in_peer_group": "logistics.col.rank_in_peer_group",
    "count_late_open": "logistics.col.count_late_open",
}


def render(user: User) -> None:
    st.title(ui.t("nav.branch_performance"))
    with ui.errors_shown():
        f = logistics_ui.filters(user, key="bp")
        con = lake.reader()
        cards = scorecards.scorecards(user, f, con=con)
        summary = performance.summary(user, f, con=con)
        logistics_ui.as_of_line(summary)
        st.caption(ui.t("logistics.scorecard_help"))
        logistics_ui.none_ranked_note(cards)
        event = tables.show_table(
            cards,
            SCORECARD_COLUMNS,
            {"target_status": "logistics.target"},
            key="lg_cards",
            on_select="rerun",
        )
        row = tables.selected_row(event)
        codes = cards["branch_code"].to_list()
        # The opened scorecard is kept in the URL (card=<branch>), apart from the branch
        # filter, so a link opens the same card; a code outside the table is ignored.
        chosen = f.branch or (codes[row] if row is not None else widgets.query_value("card", codes))
        if chosen is None and len(codes) == 1:
            chosen = codes[0]
        widgets.mirror_query_params({"card": None if f.branch else chosen})
        match = cards.filter(cards["branch_code"] == chosen) if chosen else cards.head(0)
        if match.height:
            logistics_ui.branch_detail(user, f, match.row(0, named=True))


user = ui.guard("branch_performance")
with performance.one_view():  # the scope and "now" read once per run
    render(user)
