"""My account: the language of the app (saved per user) and the password."""

import streamlit as st

from dashboard import i18n, ui
from dashboard.identity import auth
from dashboard.identity.user import User
from dashboard.ui import labels, session


def render(user: User) -> None:
    st.title(ui.t("nav.my_account"))
    st.caption(ui.md("account.who", username=user.username, role=labels.role_name(user.role)))
    st.caption(labels.scope_text(user))

    st.subheader(ui.t("account.language"))
    # No widget key: the radio's id then follows its label and the saved language, so it
    # always starts from what is saved (even when another tab changed it).
    choice = st.radio(
        ui.t("account.language"),
        options=list(i18n.LANGUAGES),
        index=list(i18n.LANGUAGES).index(ui.language()),
        format_func=labels.language_name,
        horizontal=True,
        label_visibility="collapsed",
    )
    if choice != user.language:
        with ui.errors_shown():
            session.set_session_user(auth.set_language(user, choice, session_id=ui.session_id()))
        st.rerun()

    st.subheader(ui.t("account.change_password"))
    if user.must_change_password:
        st.warning(ui.t("account.must_change_password"), icon=":material/password:")
    with st.form("change_password", clear_on_submit=True):
        old = st.text_input(ui.t("account.old_password"), type="password", key="old_password")
        new = st.text_input(ui.t("account.new_password"), type="password", key="new_password")
        repeat = st.text_input(
            ui.t("account.repeat_password"), type="password", key="repeat_password"
        )
        submitted = st.form_submit_button(ui.t("account.change_password"), type="primary")
    if submitted:
        if new != repeat:
            st.error(ui.t("account.password_mismatch"), icon=":material/error:")
        else:
            with ui.errors_shown():
                auth.change_password(user, old, new, session_id=ui.session_id())
                st.success(ui.t("account.password_changed"), icon=":material/check_circle:")


user = ui.guard("my_account")
render(user)
