"""The national delivery summary, read-only (ministry officials; admins): the registry's
delivery KPIs for the country, on time by postal region and by week."""

import streamlit as st

from dashboard import ui
from dashboard.identity.user import User
from dashboard.logistics import figures, national, performance
from dashboard.ui import lake, tables, widgets
from dashboard.ui import logistics as logistics_ui

REGION_COLUMNS = {
    "postal_region_code": "logistics.col.postal_region",
    "count_accepted": "logistics.kpi.shipments_accepted",
    "count_due": "logistics.col.count_due",
    "on_time_rate": "logistics.kpi.on_time_rate",
    "count_branches_below": "logistics.col.count_branches_below",
}


def render(user: User) -> None:
    st.title(ui.t("nav.delivery_summary"))
    with ui.errors_shown():
        cols = st.columns(2)
        start = widgets.url_date(
            "logistics.filter.start", key="ns_from", param="from", container=cols[0]
        )
        end = widgets.url_date("logistics.filter.end", key="ns_to", param="to", container=cols[1])
        ns = national.national_summary(
            user, performance.Filters(start=start, end=end), con=lake.reader()
        )
        logistics_ui.as_of_line(ns.summary)
        logistics_ui.kpi_tiles(ns.summary)
        tables.show_table(ns.by_region, REGION_COLUMNS, key="ns_regions")
        if ns.weekly.height:
            names = {
                "accepted": ui.t("logistics.kpi.shipments_accepted"),
                "on_time_rate": ui.t("logistics.kpi.on_time_rate"),
                "title": ui.t("logistics.weekly_title"),
            }
            st.plotly_chart(figures.weekly_figure(ns.weekly, ui.language(), names), key="ns_weekly")


user = ui.guard("delivery_summary")
with performance.one_view():  # the scope and "now" read once per run
    render(user)
