"""The cold chain (branch managers: their branch or region; admins: the country): the
excursion rate of monitored shipments, by lane, origin branch and mail centre, the
shipments with the most minutes out of range, and perishable listings shipped without
cold chain."""

import streamlit as st

from dashboard import formatting, ui
from dashboard.identity.user import User
from dashboard.logistics import cold_chain, performance
from dashboard.ui import lake, tables
from dashboard.ui import logistics as logistics_ui

RATE_COLUMNS = {
    "count_monitored": "logistics.col.count_monitored",
    "count_with_excursion": "logistics.col.count_with_excursion",
    "minutes_out_of_range": "logistics.col.minutes_out_of_range",
    "excursion_rate": "logistics.col.rate",
}
GROUP_COLUMNS = {
    "lane": {
        "origin_province_code": "logistics.col.origin_province",
        "dest_province_code": "logistics.col.dest_province",
    },
    "origin_branch": {"origin_branch_code": "logistics.col.origin_branch"},
    "mail_centre": {"origin_mail_centre_code": "logistics.col.mail_centre_code"},
}
SHIPMENT_COLUMNS = {
    "tracking_no": "logistics.col.tracking_no",
    "cold_chain_class": "logistics.col.cold_chain_class",
    "origin_branch_code": "logistics.col.origin_branch",
    "minutes_out_of_range": "logistics.col.minutes_out_of_range",
    "count_excursions": "logistics.col.count_excursions",
}
SHOWN = 200


def render(user: User) -> None:
    st.title(ui.t("nav.cold_chain"))
    with ui.errors_shown():
        f = logistics_ui.filters(user, key="cc")
        con = lake.reader()
        cc = cold_chain.cold_chain(user, f, con=con)
        st.caption(ui.t("logistics.kpi.excursion_rate.formula"))
        a, b, c = st.columns(3)
        a.metric(
            ui.t("logistics.kpi.excursion_rate"),
            formatting.format_value(cc.excursion_rate, "percent")
            if cc.excursion_rate is not None
            else "–",
            border=True,
        )
        b.metric(ui.t("logistics.col.count_monitored"), f"{cc.count_monitored:,}", border=True)
        c.metric(ui.t("logistics.excursion_minutes"), f"{cc.minutes:g}", border=True)
        tabs = st.tabs([ui.t(f"logistics.cold.by.{g}") for g in cold_chain.RATE_GROUPS])
        for tab, (group, cols) in zip(tabs, GROUP_COLUMNS.items(), strict=True):
            with tab:
                tables.show_table(
                    cc.rates[group].head(SHOWN), {**cols, **RATE_COLUMNS}, key=f"cc_{group}"
                )
        st.subheader(ui.t("logistics.cold.worst"))
        tables.show_table(
            cc.shipments.head(SHOWN),
            SHIPMENT_COLUMNS,
            {"cold_chain_class": "logistics.cold_class"},
            key="cc_shipments",
        )
        st.subheader(ui.t("logistics.cold.perishable"))
        tables.show_table(
            cold_chain.perishable_without_cold_chain(user, f, con=con).head(SHOWN),
            {
                "listing_id": "logistics.col.listing",
                "title_th" if ui.language() == "th" else "title_en": "logistics.col.title",
                "temperature_class": "logistics.col.cold_chain_class",
                "count_shipments": "logistics.col.count_shipments",
                "last_accepted_at": "logistics.col.accepted_at",
            },
            {"temperature_class": "logistics.cold_class"},
            key="cc_perishable",
        )


user = ui.guard("cold_chain")
with performance.one_view():  # the scope and "now" read once per run
    render(user)
