"""Payment health (payments officers, admins): success rate by channel and day, a channel
flagged when it falls clearly below its own recent baseline, failure reasons, refund and
chargeback rates. The window is in the URL (``?days=90``)."""

import streamlit as st

from dashboard import formatting, ui
from dashboard.identity.user import User
from dashboard.payments import figures, health
from dashboard.ui import lake, tables
from dashboard.ui import payments as payments_ui

CHANNEL_COLUMNS = {
    "channel": "payments.col.channel",
    "count_decided": "payments.col.count_decided",
    "success_rate": "payments.col.success_rate",
    "baseline_rate": "payments.col.baseline_rate",
    "is_flagged": "payments.col.is_flagged",
    "refund_rate": "payments.col.refund_rate",
    "chargeback_rate": "payments.col.chargeback_rate",
}
REASON_COLUMNS = {
    "channel": "payments.col.channel",
    "failure_reason": "payments.col.failure_reason",
    "count_failed": "payments.col.count_failed",
}


def render(user: User) -> None:
    st.title(ui.t("nav.payment_health"))
    days = payments_ui.window_days("health_days")
    with ui.errors_shown():
        h = health.health(user, lake.reader(), days=days)
    st.caption(ui.t("payments.as_of", day=formatting.format_date(h.as_of, ui.language())))
    for channel in h.flagged:
        st.warning(
            ui.md("payments.channel_flagged", channel=ui.t(f"payments.channel.{channel}")),
            icon=":material/trending_down:",
        )
    st.caption(ui.t("payments.flag_rule", recent=health.RECENT_DAYS, baseline=health.BASELINE_DAYS))
    tables.show_table(
        h.channels, CHANNEL_COLUMNS, {"channel": "payments.channel"}, key="health_channels"
    )
    st.subheader(ui.t("payments.success_by_day"))
    if h.daily.height:
        st.plotly_chart(
            figures.success_by_day(h.daily, ui.t, ui.t("payments.col.success_rate")),
            key="success_chart",
        )
    st.subheader(ui.t("payments.failure_reasons"))
    tables.show_table(
        h.reasons,
        REASON_COLUMNS,
        {"channel": "payments.channel", "failure_reason": "payments.failure"},
        key="health_reasons",
    )


user = ui.guard("payment_health")
render(user)
