"""The office's own view (provincial officers, admins; the ministry reads it): applications
by status, median days to decision, rejection reasons, by district and month, approved
sellers and their sales from the lake; and the decisions export the marketplace picks up
(``postmart export decisions`` on the page)."""

import datetime as dt

import streamlit as st

from dashboard import export, formatting, ui
from dashboard.identity.user import User
from dashboard.onboarding import exports, office, scope
from dashboard.ui import labels, tables, text, widgets
from dashboard.ui import onboarding as onboarding_ui

EXPORT_DAYS_DEFAULT = 30
DISTRICT_COLUMNS = {
    "district": "applications.district",
    "count_applications": "office.count",
    "count_open": "office.count_open",
    "count_approved": "onboarding.status.approved",
    "count_rejected": "onboarding.status.rejected",
    "median_days_to_decision": "onboarding.label.median_days_to_decision",
}
MONTH_COLUMNS = {
    "month": "office.month",
    "count_submitted": "office.count_submitted",
    "count_decided": "office.count_decided",
    "median_days_to_decision": "onboarding.label.median_days_to_decision",
}
SELLER_COLUMNS = {
    "seller_id": "office.seller_id",
    "name_th": "applications.name",
    "district": "applications.district",
    "status": "applications.status",
    "count_orders": "office.count_orders",
    "sales_thb": "onboarding.label.sales_thb",
}


def headline(figures: office.OfficeFigures) -> None:
    by_status = dict(zip(figures.by_status["status"], figures.by_status["count"], strict=True))
    columns = st.columns(4)
    columns[0].metric(
        ui.t("onboarding.label.median_days_to_decision"),
        labels.format_days(figures.median_days_to_decision),
        border=True,
    )
    for column, status in zip(columns[1:], ("submitted", "approved", "rejected"), strict=True):
        column.metric(
            ui.t(f"onboarding.status.{status}"),
            formatting.format_number(by_status.get(status, 0)),
            border=True,
        )


def decisions_export(user: User) -> None:
    st.caption(ui.t("office.export_help"))
    widgets.init_widget(
        "export_since",
        widgets.query_date("since") or dt.date.today() - dt.timedelta(EXPORT_DAYS_DEFAULT),
    )
    since = st.date_input(ui.t("office.export_since"), key="export_since", format="DD/MM/YYYY")
    with ui.errors_shown():
        decisions = exports.decisions_since(user, dt.datetime.combine(since, dt.time()))
    st.markdown(
        ui.t(
            "office.export_counts",
            applications=decisions.applications.height,
            listings=decisions.listings.height,
        )
    )
    stamp = since.strftime("%Y%m%d")
    csv_col, json_col = st.columns(2)
    for name, frame in (
        ("application_decisions", decisions.applications),
        ("listing_decisions", decisions.listings),
    ):
        csv_col.download_button(
            ui.t(f"office.download_{name}_csv"),
            data=export.csv_bytes(frame),
            file_name=f"{name}_since_{stamp}.csv",
            mime="text/csv",
            icon=":material/download:",
            key=f"{name}_csv",
        )
        json_col.download_button(
            ui.t(f"office.download_{name}_json"),
            data=exports.to_json(frame),
            file_name=f"{name}_since_{stamp}.json",
            mime="application/json",
            icon=":material/download:",
            key=f"{name}_json",
        )


def render(user: User) -> None:
    st.title(ui.t("nav.office"))
    with ui.errors_shown():
        provinces = scope.visible_provinces(user)
    if provinces is None or len(provinces) > 1:
        province = widgets.url_select(
            "office.province",
            "office.all_provinces",
            list(provinces) if provinces else formatting.province_codes(),
            labels.province_label,
            key="office_province",
            param="province",
        )
    else:
        province = None
        st.caption(ui.t("office.scope", province=labels.province_label(provinces[0])))
    with ui.errors_shown():
        figures = onboarding_ui.office_figures(user, province)
    if onboarding_ui.is_national(user):
        st.caption(
            ui.t("office.national_refresh", minutes=onboarding_ui.NATIONAL_FIGURES_TTL_S // 60)
        )
    headline(figures)
    by_status, by_district, by_month, reasons, sellers, export_tab = st.tabs(
        [
            ui.t("office.tab_status"),
            ui.t("office.tab_district"),
            ui.t("office.tab_month"),
            ui.t("office.tab_reasons"),
            ui.t("office.tab_sellers"),
            ui.t("office.tab_export"),
        ]
    )
    with by_status:
        tables.show_table(
            figures.by_status,
            {"status": "applications.status", "count": "office.count"},
            {"status": "onboarding.status"},
            key="office_status",
        )
    with by_district:
        tables.show_table(
            labels.with_district_names(figures.by_district), DISTRICT_COLUMNS, key="office_district"
        )
    with by_month:
        tables.show_table(figures.by_month, MONTH_COLUMNS, key="office_month")
    with reasons:
        label = "label_th" if ui.language() == "th" else "label_en"
        tables.show_table(
            figures.rejection_reasons,
            {
                "reason_code": "office.reason_code",
                label: "office.reason_label",
                "count": "office.count",
            },
            key="office_reasons",
        )
    with sellers:
        if figures.count_sellers > figures.sellers.height:
            st.caption(text.first_rows(figures.sellers.height, figures.count_sellers))
        tables.show_table(
            labels.with_district_names(figures.sellers),
            SELLER_COLUMNS,
            {"status": "onboarding.status"},
            key="office_sellers",
        )
    with export_tab:
        decisions_export(user)


user = ui.guard("office")
render(user)
