"""Settlement (payments officers, admins): how many business days each rail takes to
settle, the gateways' fees and VAT against their contracts, and net settled. The window is
in the URL (``?days=90``)."""

import streamlit as st

from dashboard import formatting, ui
from dashboard.identity.user import User
from dashboard.payments import figures, health
from dashboard.ui import lake, tables
from dashboard.ui import payments as payments_ui

FEE_COLUMNS = {
    "gateway": "payments.col.gateway",
    "fee_percent": "payments.col.fee_percent",
    "count_charges": "payments.col.count_charges",
    "gross_thb": "payments.col.gross_thb",
    "fee_thb": "payments.col.fee_thb",
    "contract_fee_thb": "payments.col.contract_fee_thb",
    "fee_vat_thb": "payments.col.fee_vat_thb",
    "contract_vat_thb": "payments.col.contract_vat_thb",
    "net_thb": "payments.col.net_thb",
}
LAG_COLUMNS = {
    "rail": "payments.col.rail",
    "lag_business_days": "payments.col.lag_business_days",
    "count_settled": "payments.col.count_settled",
}


def render(user: User) -> None:
    st.title(ui.t("nav.settlement"))
    days = payments_ui.window_days("settle_days")
    with ui.errors_shown():
        s = health.settlement(user, lake.reader(), days=days)
    st.caption(ui.t("payments.as_of", day=formatting.format_date(s.as_of, ui.language())))
    net, variance = st.columns(2)
    net.metric(
        ui.t("payments.col.net_thb"),
        formatting.format_baht(float(s.fees["net_thb"].sum() or 0) if s.fees.height else 0),
        border=True,
    )
    variance.metric(
        ui.t("payments.fee_variance_total"),
        formatting.format_baht(s.fee_variance_thb),
        border=True,
    )
    st.subheader(ui.t("payments.lag_title"))
    if s.lag.height:
        st.plotly_chart(
            figures.lag_histogram(s.lag, ui.t, ui.t("payments.col.lag_business_days")),
            key="lag_chart",
        )
    tables.show_table(s.lag, LAG_COLUMNS, {"rail": "payments.rail"}, key="lag_table")
    st.subheader(ui.t("payments.fees_title"))
    tables.show_table(s.fees, FEE_COLUMNS, key="fees_table")


user = ui.guard("settlement")
render(user)
