"""Users & roles (admin): every account, adding one, role and scope, enable/disable, passwords.

A one-time password is shown once, right after it was made, and never again. Disabling an
account and resetting a password ask for a confirmation first: both sign the person out.
"""

import streamlit as st

from dashboard import formatting, i18n, ui
from dashboard.admin import accounts
from dashboard.identity.user import User
from dashboard.ui import labels, tables, widgets
from warehouse import limits
from warehouse.ops_schema import ROLES

NOTICE = "users_notice"
CONFIRM = "users_confirm"
ADD_FIELDS = ("add_username", "add_display_name", "add_provinces", "add_branch", "add_region")
TABLE_COLUMNS = {
    "username": "users.username",
    "display_name": "users.display_name",
    "role": "users.role",
    "province_codes": "users.provinces",
    "branch_code": "users.branch_code",
    "postal_region_code": "users.postal_region_code",
    "language": "users.language",
    "is_active": "users.is_active",
    "count_failed_sign_ins": "users.count_failed_sign_ins",
    "last_sign_in_at": "users.last_sign_in_at",
}


def show_once(message_key: str, username: str, password: str | None = None) -> None:
    """Keep a notice (and a one-time password) for the next run only."""
    st.session_state[NOTICE] = {"key": message_key, "username": username, "password": password}
    st.rerun()


def show_notice() -> None:
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.success(
            ui.md(notice["key"], username=notice["username"]), icon=":material/check_circle:"
        )
        if notice["password"]:
            st.code(notice["password"], language=None)
            st.caption(ui.t("users.password_once"))


def add_form(user: User) -> None:
    with st.form("add_user"):
        username = st.text_input(ui.t("users.username"), key="add_username", max_chars=64)
        display_name = st.text_input(
            ui.t("users.display_name"), key="add_display_name", max_chars=limits.NAME
        )
        role = st.selectbox(ui.t("users.role"), ROLES, format_func=labels.role_name)
        provinces = st.multiselect(
            ui.t("users.provinces"),
            formatting.province_codes(),
            format_func=labels.province_code_label,
            placeholder=ui.t("common.choose"),
            key="add_provinces",
            help=ui.t("users.scope_help"),
        )
        branch = st.text_input(ui.t("users.branch_code"), key="add_branch", max_chars=32)
        region = st.text_input(
            ui.t("users.postal_region_code"),
            key="add_region",
            placeholder=ui.t("users.postal_region_placeholder"),
            max_chars=8,
        )
        language = st.selectbox(
            ui.t("users.language"), i18n.LANGUAGES, format_func=labels.language_name
        )
        added = st.form_submit_button(ui.t("users.add_submit"), type="primary")
    if added:
        with ui.errors_shown():
            created, password = accounts.create_user(
                user,
                username=username,
                display_name=display_name,
                role=role,
                province_codes=provinces,
                branch_code=branch or None,
                postal_region_code=region or None,
                language=language,
                session_id=ui.session_id(),
            )
        for field in ADD_FIELDS:
            st.session_state.pop(field, None)
        show_once("users.created", created.username, password)


def edit_form(user: User, row: dict) -> None:
    uid = row["user_id"]
    with st.form(f"edit_user_{uid}"):
        new_name = st.text_input(
            ui.t("users.display_name"), value=row["display_name"], max_chars=limits.NAME
        )
        new_role = st.selectbox(
            ui.t("users.role"), ROLES, index=ROLES.index(row["role"]), format_func=labels.role_name
        )
        new_provinces = st.multiselect(
            ui.t("users.provinces"),
            formatting.province_codes(),
            default=row["province_codes"],
            format_func=labels.province_code_label,
            placeholder=ui.t("common.choose"),
            help=ui.t("users.scope_help"),
        )
        new_branch = st.text_input(
            ui.t("users.branch_code"), value=row["branch_code"] or "", max_chars=32
        )
        new_region = st.text_input(
            ui.t("users.postal_region_code"),
            value=row["postal_region_code"] or "",
            placeholder=ui.t("users.postal_region_placeholder"),
            max_chars=8,
        )
        new_language = st.selectbox(
            ui.t("users.language"),
            i18n.LANGUAGES,
            index=list(i18n.LANGUAGES).index(row["language"]),
            format_func=labels.language_name,
        )
        new_identity = st.text_input(
            ui.t("users.sso_identity"),
            value=row["sso_identity"] or "",
            help=ui.t("users.sso_identity_help"),
            max_chars=320,
        )
        saved = st.form_submit_button(ui.t("users.save"), type="primary")
    if saved:
        with ui.errors_shown():
            accounts.update_user(
                user,
                uid,
                display_name=new_name,
                role=new_role,
                province_codes=new_provinces,
                branch_code=new_branch or None,
                postal_region_code=new_region or None,
                language=new_language,
                sso_identity=new_identity or None,
                session_id=ui.session_id(),
            )
        show_once("users.saved", row["username"])


@st.dialog(ui.t("users.disable"), on_dismiss=widgets.forget(CONFIRM))
def confirm_disable(user: User, row: dict) -> None:
    st.markdown(ui.md("users.confirm_disable", username=row["username"]))
    yes, no = st.columns(2)
    if yes.button(ui.t("users.disable"), type="primary", key="confirm_disable"):
        with ui.errors_shown():
            accounts.set_active(user, row["user_id"], False, session_id=ui.session_id())
        st.session_state.pop(CONFIRM, None)
        show_once("users.disabled", row["username"])
    if no.button(ui.t("common.cancel"), key="cancel_disable"):
        widgets.rerun_clearing(CONFIRM)


@st.dialog(ui.t("users.reset_password"), on_dismiss=widgets.forget(CONFIRM))
def confirm_reset(user: User, row: dict) -> None:
    st.markdown(ui.md("users.confirm_reset", username=row["username"]))
    yes, no = st.columns(2)
    if yes.button(ui.t("users.reset_password"), type="primary", key="confirm_reset"):
        with ui.errors_shown():
            password = accounts.reset_password(user, row["user_id"], session_id=ui.session_id())
        st.session_state.pop(CONFIRM, None)
        show_once("users.password_reset", row["username"], password)
    if no.button(ui.t("common.cancel"), key="cancel_reset"):
        widgets.rerun_clearing(CONFIRM)


def render(user: User) -> None:
    st.title(ui.t("nav.users"))
    show_notice()
    with ui.errors_shown():
        table = accounts.list_users(user)
    tables.show_table(table, TABLE_COLUMNS, {"role": "role", "language": "language"})
    add_tab, edit_tab = st.tabs([ui.t("users.add"), ui.t("users.edit")])
    with add_tab:
        add_form(user)
    with edit_tab:
        usernames = table["username"].to_list()
        selected = st.selectbox(ui.t("users.pick"), usernames, key="edit_pick")
        if selected is None:
            return
        row = table.row(usernames.index(selected), named=True)
        edit_form(user, row)
        enable_col, reset_col = st.columns(2)
        if row["is_active"]:
            if enable_col.button(ui.t("users.disable"), icon=":material/block:", key="disable"):
                st.session_state[CONFIRM] = ("disable", row["user_id"])
        elif enable_col.button(ui.t("users.enable"), icon=":material/check_circle:"):
            with ui.errors_shown():
                accounts.set_active(user, row["user_id"], True, session_id=ui.session_id())
            show_once("users.enabled", selected)
        if reset_col.button(
            ui.t("users.reset_password"), icon=":material/lock_reset:", key="reset_password"
        ):
            st.session_state[CONFIRM] = ("reset", row["user_id"])
        # Both act on the account only after the admin confirms it in a dialog.
        asked = st.session_state.get(CONFIRM)
        if asked == ("disable", row["user_id"]):
            confirm_disable(user, row)
        elif asked == ("reset", row["user_id"]):
            confirm_reset(user, row)


user = ui.guard("users")
render(user)
