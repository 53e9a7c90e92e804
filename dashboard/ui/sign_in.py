"""The sign-in screen: username and password, or single sign-on; one message for failures."""

from __future__ import annotations

import streamlit as st

from dashboard import i18n
from dashboard.errors import AppError
from dashboard.identity import auth
from dashboard.ui import server
from dashboard.ui.entry import consume_entry_mark, to_entrypoint
from dashboard.ui.session import (
    FLASH,
    SSO_TRIED,
    client,
    session_id,
    sso_configured,
    start_session,
)
from dashboard.ui.text import SIGN_IN_LANGUAGE, show_error, t


def _language_picker() -> None:
    st.radio(
        t("account.language"),
        options=list(i18n.LANGUAGES),
        format_func=lambda code: i18n.translate(f"language.{code}", code),
        horizontal=True,
        key=SIGN_IN_LANGUAGE,
        label_visibility="collapsed",
    )


def sign_in_page() -> None:
    """The sign-in screen as a page of the entrypoint's navigation."""
    sign_in_screen(via_entry=consume_entry_mark())


def sign_in_screen(*, via_entry: bool = True) -> None:
    """Username and password form; one generic message for every failure.

    ``via_entry`` False means the form is drawn by a page that runs on its own (legacy
    page-folder mode): after signing in, the visitor goes to the entrypoint, which builds
    the navigation for their role.
    """
    if SIGN_IN_LANGUAGE not in st.session_state:
        st.session_state[SIGN_IN_LANGUAGE] = i18n.DEFAULT_LANGUAGE
    _, column, _ = st.columns([1, 2, 1])
    with column:
        _sign_in_form(via_entry)


def _sign_in_form(via_entry: bool) -> None:
    _language_picker()
    st.title(t("app.title"))
    st.caption(t("app.tagline"))
    flash = st.session_state.pop(FLASH, None)
    if st.query_params.get(server.SIGNED_OUT_PARAM):
        del st.query_params[server.SIGNED_OUT_PARAM]
        flash = "auth.signed_out"
    if flash:
        st.info(t(flash), icon=":material/info:")
    with st.form("sign_in", clear_on_submit=True, enter_to_submit=True):
        st.subheader(t("auth.sign_in_title"))
        username = st.text_input(t("auth.username"), key="sign_in_username")
        password = st.text_input(t("auth.password"), type="password", key="sign_in_password")
        submitted = st.form_submit_button(t("auth.sign_in"), type="primary")
    if submitted:
        try:
            user = auth.sign_in(username, password, session_id=session_id(), client=client())
        except AppError as exc:
            show_error(exc)
        else:
            if start_session(user, "password"):
                st.caption(t("auth.signing_in"))
                return
            if not via_entry:
                to_entrypoint()
            st.rerun()
    if sso_configured():
        st.divider()
        if st.user.is_logged_in:
            # Signed in at the identity provider, but no active account matches.
            if st.button(t("auth.sso_sign_out"), icon=":material/logout:"):
                st.session_state.pop(SSO_TRIED, None)
                st.logout()
        elif st.button(t("auth.sign_in_sso"), icon=":material/key:"):
            st.login()
