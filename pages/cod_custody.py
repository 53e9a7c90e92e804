"""COD custody (payments officers and admins nationally; a branch manager for their branch
or region only): cash on delivery collected and not yet remitted, by branch, with how many
business days it has been held and what is past the remittance limit."""

import streamlit as st

from dashboard import formatting, ui
from dashboard.identity.user import User
from dashboard.payments import custody
from dashboard.ui import labels, lake, tables

COLUMNS = {
    "branch_code": "payments.col.branch",
    "province": "payments.col.province",
    "count_parcels": "payments.col.count_parcels",
    "custody_thb": "payments.col.custody_thb",
    "within_limit_thb": "payments.col.within_limit_thb",
    "overdue_thb": "payments.col.overdue_thb",
    "oldest_on": "payments.col.oldest_on",
    "max_age_business_days": "payments.col.max_age_business_days",
}


def render(user: User) -> None:
    st.title(ui.t("nav.cod_custody"))
    st.caption(labels.scope_text(user))
    with ui.errors_shown():
        as_of, df = custody.custody(user, lake.reader())
    st.caption(ui.t("payments.as_of", day=formatting.format_date(as_of, ui.language())))
    total, overdue = st.columns(2)
    total.metric(
        ui.t("payments.col.custody_thb"),
        formatting.format_baht(float(df["custody_thb"].sum() or 0) if df.height else 0),
        border=True,
    )
    overdue.metric(
        ui.t("payments.col.overdue_thb"),
        formatting.format_baht(float(df["overdue_thb"].sum() or 0) if df.height else 0),
        border=True,
    )
    name = "branch_name_th" if ui.language() == "th" else "branch_name_en"
    columns = {"branch_code": COLUMNS["branch_code"], name: "payments.col.branch_name"}
    columns |= {k: v for k, v in COLUMNS.items() if k != "branch_code"}
    tables.show_table(labels.with_province_names(df), columns, key="custody_table")


user = ui.guard("cod_custody")
render(user)
