"""The office's own view (provincial officers, admins; the ministry reads it): applications
by status, median days to decision, rejection reasons, by district and month, approved
sellers and their sales from the lake; and the decisions export the marketplace picks up
(``postmart export decisions`` on the page)."""

import datetime as dt

import streamlit as st

from dashboard import formatting, ui
from dashboard.onboarding import exports, office, scope

user = ui.guard("office")

EXPORT_DAYS_DEFAULT = 30

st.title(ui.t("nav.office"))
with ui.errors_shown():
    provinces = scope.visible_provinces(user)
if provinces is None or len(provinces) > 1:
    choices = list(provinces) if provinces else formatting.province_codes()
    ui.init_widget("office_province", ui.query_value("province", choices))
    province = ui.optional_select(
        "office.province",
        "office.all_provinces",
        choices,
        ui.province_label,
        key="office_province",
    )
else:
    province = None
    st.caption(ui.t("office.scope", province=ui.province_label(provinces[0])))
ui.mirror_query_params({"province": province})

with ui.errors_shown():
    figures = office.office_figures(user, province_code=province, lake=ui.lake_reader_or_none())

by_status = dict(zip(figures.by_status["status"], figures.by_status["count"], strict=True))
columns = st.columns(4)
columns[0].metric(
    ui.t("onboarding.label.median_days_to_decision"),
    ui.format_days(figures.median_days_to_decision),
    border=True,
)
for column, status in zip(columns[1:], ("submitted", "approved", "rejected"), strict=True):
    column.metric(
        ui.t(f"onboarding.status.{status}"),
        formatting.format_number(by_status.get(status, 0)),
        border=True,
    )

by_status_tab, district_tab, month_tab, reasons_tab, sellers_tab, export_tab = st.tabs(
    [
        ui.t("office.tab_status"),
        ui.t("office.tab_district"),
        ui.t("office.tab_month"),
        ui.t("office.tab_reasons"),
        ui.t("office.tab_sellers"),
        ui.t("office.tab_export"),
    ]
)
with by_status_tab:
    ui.show_table(
        figures.by_status,
        {"status": "applications.status", "count": "office.count"},
        {"status": "onboarding.status"},
        key="office_status",
    )
with district_tab:
    ui.show_table(
        ui.with_district_names(figures.by_district),
        {
            "district": "applications.district",
            "count_applications": "office.count",
            "count_open": "office.count_open",
            "count_approved": "onboarding.status.approved",
            "count_rejected": "onboarding.status.rejected",
            "median_days_to_decision": "onboarding.label.median_days_to_decision",
        },
        key="office_district",
    )
with month_tab:
    ui.show_table(
        figures.by_month,
        {
            "month": "office.month",
            "count_submitted": "office.count_submitted",
            "count_decided": "office.count_decided",
            "median_days_to_decision": "onboarding.label.median_days_to_decision",
        },
        key="office_month",
    )
with reasons_tab:
    ui.show_table(
        figures.rejection_reasons,
        {
            "reason_code": "applications.reason",
            "label_th" if ui.language() == "th" else "label_en": "office.reason_label",
            "count": "office.count",
        },
        key="office_reasons",
    )
with sellers_tab:
    ui.show_table(
        ui.with_district_names(figures.sellers),
        {
            "seller_id": "office.seller_id",
            "name_th": "applications.name",
            "district": "applications.district",
            "status": "applications.status",
            "count_orders": "office.count_orders",
            "sales_thb": "onboarding.label.sales_thb",
        },
        {"status": "onboarding.status"},
        key="office_sellers",
    )
with export_tab:
    st.caption(ui.t("office.export_help"))
    ui.init_widget(
        "export_since",
        ui.query_date("since") or dt.date.today() - dt.timedelta(EXPORT_DAYS_DEFAULT),
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
            data=exports.to_csv(frame),
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
