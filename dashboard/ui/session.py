"""The signed-in user of this browser tab: who it is, idle expiry, sign-out, single sign-on.

Session state lives in one Streamlit process and dies with a reload; what identifies the
user is re-read from the ops DB on every run (``current_user``), so a disabled account or
a changed role or scope takes effect at the next click.
"""

from __future__ import annotations

import datetime as dt
import uuid

import streamlit as st

from dashboard.errors import AppError
from dashboard.identity import auth
from dashboard.identity.user import User, load_user
from dashboard.ui.text import USER_LANGUAGE

# Session-state keys. Underscored ones are internal; none holds a password.
SESSION_USER = "postmart_user"
SESSION_ID = "postmart_session_id"
LAST_ACTIVITY = "postmart_last_activity"
FLASH = "postmart_flash"
SSO_TRIED = "_postmart_sso_tried"


def session_id() -> str:
    """An id for this browser session, written to every audit entry it causes."""
    if SESSION_ID not in st.session_state:
        st.session_state[SESSION_ID] = uuid.uuid4().hex
    return st.session_state[SESSION_ID]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def set_session_user(user: User) -> None:
    """Replace the session's copy of the user (after a language or password change)."""
    st.session_state[SESSION_USER] = user
    st.session_state[USER_LANGUAGE] = user.language


def start_session(user: User) -> None:
    set_session_user(user)
    st.session_state[LAST_ACTIVITY] = _now()


def _end_session(flash_key: str | None) -> None:
    for key in (SESSION_USER, LAST_ACTIVITY, SESSION_ID, USER_LANGUAGE):
        st.session_state.pop(key, None)
    if flash_key:
        st.session_state[FLASH] = flash_key


def sso_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section (see docs/sso.md)."""
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def _sso_user() -> User | None:
    """The account mapped to the identity-provider login of this browser, if any."""
    if not sso_configured() or not st.user.is_logged_in:
        return None
    identity = st.user.get("email") or st.user.get("sub") or ""
    # Map (and audit) an identity once per session, not on every rerun.
    if st.session_state.get(SSO_TRIED) == identity:
        return None
    st.session_state[SSO_TRIED] = identity
    try:
        return auth.user_for_identity(str(identity), session_id=session_id())
    except AppError as exc:
        st.session_state[FLASH] = exc.key
        return None


def current_user() -> User | None:
    """The signed-in user, re-read from the ops DB; None when anonymous or expired.

    An idle session ends (and is audited as a sign-out) once ``session_idle_minutes`` have
    passed without a rerun.
    """
    user: User | None = st.session_state.get(SESSION_USER)
    if user is None:
        sso_user = _sso_user()
        if sso_user is not None:
            start_session(sso_user)
        return sso_user
    now = _now()
    last = st.session_state.get(LAST_ACTIVITY)
    if last is not None and auth.session_expired(last, now):
        auth.sign_out(user, session_id=session_id())
        _end_session("auth.session_expired")
        return None
    fresh = load_user(user.user_id)
    if fresh is None or fresh.username != user.username:
        _end_session("error.not_signed_in")
        return None
    set_session_user(fresh)
    st.session_state[LAST_ACTIVITY] = now
    return fresh


def sign_out(user: User) -> None:
    """End the session (audited), and the identity provider's login too when there is one."""
    auth.sign_out(user, session_id=session_id())
    _end_session("auth.signed_out")
    st.session_state.pop(SSO_TRIED, None)
    if sso_configured() and st.user.is_logged_in:
        st.logout()
    st.rerun()
