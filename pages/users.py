"""Users & roles (admin): every account, adding one, role and scope, enable/disable, passwords.

A one-time password is shown once, right after it was made, and never again.
"""

import streamlit as st

from dashboard import accounts, formatting, i18n, ui

user = ui.guard("users")

NOTICE = "users_notice"
ADD_FIELDS = ("add_username", "add_display_name", "add_provinces", "add_branch", "add_region")


def role_name(role: str) -> str:
    return ui.t(f"role.{role}")


def province_label(code: str) -> str:
    return f"{code} {formatting.province_name(code, ui.language())}"


def language_name(code: str) -> str:
    return i18n.translate(f"language.{code}", code)


def show_once(message_key: str, username: str, password: str | None = None) -> None:
    """Keep a notice (and a one-time password) for the next run only."""
    st.session_state[NOTICE] = {"key": message_key, "username": username, "password": password}
    st.rerun()


st.title(ui.t("nav.users"))

notice = st.session_state.pop(NOTICE, None)
if notice:
    st.success(ui.md(notice["key"], username=notice["username"]), icon=":material/check_circle:")
    if notice["password"]:
        st.code(notice["password"], language=None)
        st.caption(ui.t("users.password_once"))

with ui.errors_shown():
    table = accounts.list_users(user)

ui.show_table(
    table,
    {
        "username": "users.username",
        "display_name": "users.display_name",
        "role": "users.role",
        "province_codes": "users.provinces",
        "branch_code": "users.branch_code",
        "postal_region_code": "users.postal_region_code",
        "language": "users.language",
        "is_active": "users.is_active",
        "is_locked": "users.is_locked",
        "last_sign_in_at": "users.last_sign_in_at",
    },
    {"role": "role", "language": "language"},
)

add_tab, edit_tab = st.tabs([ui.t("users.add"), ui.t("users.edit")])

with add_tab, st.form("add_user"):
    username = st.text_input(ui.t("users.username"), key="add_username")
    display_name = st.text_input(ui.t("users.display_name"), key="add_display_name")
    role = st.selectbox(ui.t("users.role"), ui.ROLES, format_func=role_name)
    provinces = st.multiselect(
        ui.t("users.provinces"),
        formatting.province_codes(),
        format_func=province_label,
        placeholder=ui.t("common.choose"),
        key="add_provinces",
        help=ui.t("users.scope_help"),
    )
    branch = st.text_input(ui.t("users.branch_code"), key="add_branch")
    region = st.text_input(
        ui.t("users.postal_region_code"),
        key="add_region",
        placeholder=ui.t("users.postal_region_placeholder"),
    )
    language = st.selectbox(ui.t("users.language"), i18n.LANGUAGES, format_func=language_name)
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

with edit_tab:
    usernames = table["username"].to_list()
    selected = st.selectbox(ui.t("users.pick"), usernames, key="edit_pick")
    if selected is not None:
        row = table.row(usernames.index(selected), named=True)
        uid = row["user_id"]
        with st.form(f"edit_user_{uid}"):
            new_name = st.text_input(ui.t("users.display_name"), value=row["display_name"])
            new_role = st.selectbox(
                ui.t("users.role"),
                ui.ROLES,
                index=ui.ROLES.index(row["role"]),
                format_func=role_name,
            )
            new_provinces = st.multiselect(
                ui.t("users.provinces"),
                formatting.province_codes(),
                default=row["province_codes"],
                format_func=province_label,
                placeholder=ui.t("common.choose"),
                help=ui.t("users.scope_help"),
            )
            new_branch = st.text_input(ui.t("users.branch_code"), value=row["branch_code"] or "")
            new_region = st.text_input(
                ui.t("users.postal_region_code"),
                value=row["postal_region_code"] or "",
                placeholder=ui.t("users.postal_region_placeholder"),
            )
            new_language = st.selectbox(
                ui.t("users.language"),
                i18n.LANGUAGES,
                index=list(i18n.LANGUAGES).index(row["language"]),
                format_func=language_name,
            )
            new_identity = st.text_input(
                ui.t("users.sso_identity"),
                value=row["sso_identity"] or "",
                help=ui.t("users.sso_identity_help"),
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
            show_once("users.saved", selected)

        enable_col, reset_col = st.columns(2)
        if row["is_active"]:
            if enable_col.button(ui.t("users.disable"), icon=":material/block:"):
                with ui.errors_shown():
                    accounts.set_active(user, uid, False, session_id=ui.session_id())
                show_once("users.disabled", selected)
        elif enable_col.button(ui.t("users.enable"), icon=":material/check_circle:"):
            with ui.errors_shown():
                accounts.set_active(user, uid, True, session_id=ui.session_id())
            show_once("users.enabled", selected)
        if reset_col.button(ui.t("users.reset_password"), icon=":material/lock_reset:"):
            with ui.errors_shown():
                password = accounts.reset_password(user, uid, session_id=ui.session_id())
            show_once("users.password_reset", selected, password)
