"""Audit log (admin): who did what and when, filtered by action, user and dates; CSV export.

The filters live in the URL too (``?action=user.created&since=2025-01-01``), so a view can
be shared; a link restores it only for a signed-in admin (the guard runs first).
"""

import streamlit as st

from dashboard import audit, ui

user = ui.guard("audit_log")

st.title(ui.t("nav.audit_log"))

ui.init_widget("audit_action", ui.query_value("action", ui.AUDIT_ACTIONS))
ui.init_widget("audit_user", ui.query_value("user") or "")
ui.init_widget("audit_since", ui.query_date("since"))
ui.init_widget("audit_until", ui.query_date("until"))

action_col, user_col, since_col, until_col = st.columns(4)
action = ui.optional_select(
    "audit.action",
    "audit.all_actions",
    ui.AUDIT_ACTIONS,
    ui.action_name,
    key="audit_action",
    container=action_col,
)
username = user_col.text_input(ui.t("audit.user"), key="audit_user").strip()
since = since_col.date_input(ui.t("audit.since"), key="audit_since", format="DD/MM/YYYY")
until = until_col.date_input(ui.t("audit.until"), key="audit_until", format="DD/MM/YYYY")

ui.mirror_query_params(
    {
        "action": action,
        "user": username or None,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
    }
)
filters = {"action": action, "username": username or None, "since": since, "until": until}

with ui.errors_shown():
    entries = audit.browse(user, **filters, limit=ui.AUDIT_ROWS_SHOWN)

st.caption(ui.t("audit.count", count=entries.height, limit=ui.AUDIT_ROWS_SHOWN))
ui.show_table(
    entries,
    {
        "id": "audit.id",
        "at": "audit.at",
        "username": "audit.user",
        "role": "audit.role",
        "action": "audit.action",
        "entity": "audit.entity",
        "entity_id": "audit.entity_id",
        "before": "audit.before",
        "after": "audit.after",
        "session_id": "audit.session",
    },
    {"role": "role", "action": "audit.actions"},
    key="audit_entries",
)
st.download_button(
    ui.t("audit.export"),
    data=lambda: audit.export_csv(user, **filters),
    file_name="audit-log.csv",
    mime="text/csv",
    icon=":material/download:",
)
