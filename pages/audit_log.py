"""Audit log (admin): who did what and when, filtered by action, user and dates; CSV export.

The filters live in the URL too (``?action=user.created&since=2025-01-01``), so a view can
be shared; a link restores it only for a signed-in admin (the guard runs first).
"""

import streamlit as st

from dashboard import ui
from dashboard.admin import audit_log
from dashboard.identity.user import User
from dashboard.ui import tables, widgets

COLUMNS = {
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
}


def render(user: User) -> None:
    st.title(ui.t("nav.audit_log"))
    action_col, user_col, since_col, until_col = st.columns(4)
    action = widgets.url_select(
        "audit.action",
        "audit.all_actions",
        audit_log.ACTIONS,
        ui.text.action_name,
        key="audit_action",
        param="action",
        container=action_col,
    )
    widgets.init_widget("audit_user", widgets.query_value("user") or "")
    username = user_col.text_input(ui.t("audit.user"), key="audit_user", max_chars=64).strip()
    widgets.mirror_query_params({"user": username or None})
    since = widgets.url_date("audit.since", key="audit_since", param="since", container=since_col)
    until = widgets.url_date("audit.until", key="audit_until", param="until", container=until_col)
    filters = {"action": action, "username": username or None, "since": since, "until": until}
    with ui.errors_shown():
        entries = audit_log.browse(user, **filters, limit=audit_log.ROWS_SHOWN)
    st.caption(ui.t("audit.count", count=entries.height, limit=audit_log.ROWS_SHOWN))
    tables.show_table(
        entries, COLUMNS, {"role": "role", "action": "audit.actions"}, key="audit_entries"
    )
    st.download_button(
        ui.t("audit.export"),
        data=lambda: audit_log.export_csv(user, **filters),
        file_name="audit-log.csv",
        mime="text/csv",
        icon=":material/download:",
    )


user = ui.guard("audit_log")
render(user)
