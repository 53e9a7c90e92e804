"""The signed-in user of this browser tab, from the server-side session.

The session is a row of the ops DB (``identity.sessions``). A tab finds it by the public id
it keeps in its state (the tab that signed in) or by the session cookie the browser sends
(a reload, a second tab, a shared link). Every run checks the row — idle and absolute
expiry, revocation, a disabled account — so a change anywhere takes effect at the tab's
next click. The cookie is set and cleared by the server's own routes (``ui.server``); this
module only reads it (``st.context.cookies``) and sends the browser to those routes.
"""

from __future__ import annotations

import uuid
from urllib.parse import quote, urlencode, urlsplit

import streamlit as st
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from dashboard.errors import AppError
from dashboard.identity import auth, sessions
from dashboard.identity.user import User
from dashboard.ui import entry, server
from dashboard.ui.text import USER_LANGUAGE

# Session-state keys. None holds a password or a token.
SESSION_KEY = "postmart_session"  # the public id of this tab's sign-in session
SESSION_USER = "postmart_user"  # the user as last read (language, name for the sidebar)
ANONYMOUS_ID = "postmart_anonymous_id"
FLASH = "postmart_flash"
SSO_TRIED = "_postmart_sso_tried"
ENDED_TOLD = "_postmart_ended_told"


def _cookie(base: str) -> str | None:
    try:
        return server.cookie_value(dict(st.context.cookies), base)
    except (AttributeError, RuntimeError):  # no browser behind this run (AppTest)
        return None


def browser_binding() -> str | None:
    """The browser's binding cookie (set by the server on the first page load)."""
    return _cookie(server.BIND_COOKIE)


def client() -> str:
    """This browser as the sign-in throttle knows it (address and binding, hashed)."""
    address = st.context.ip_address
    # A real connection has its address as text (None on localhost); AppTest has none.
    return auth.client_key(address if isinstance(address, str) else None, browser_binding())


def session_id() -> str:
    """What audit entries of this tab carry: its sign-in session's public id, or an id of
    the anonymous tab before anyone signed in."""
    public_id = st.session_state.get(SESSION_KEY)
    if public_id:
        return public_id
    if ANONYMOUS_ID not in st.session_state:
        st.session_state[ANONYMOUS_ID] = uuid.uuid4().hex
    return st.session_state[ANONYMOUS_ID]


def set_session_user(user: User) -> None:
    """Keep the tab's copy of the user (after a language change, say)."""
    st.session_state[SESSION_USER] = user
    st.session_state[USER_LANGUAGE] = user.language


def _forget(flash_key: str | None) -> None:
    for key in (SESSION_KEY, SESSION_USER, USER_LANGUAGE):
        st.session_state.pop(key, None)
    if flash_key:
        st.session_state[FLASH] = flash_key


def _redirect(url: str) -> None:
    """Send the browser to a route of the app, as ``st.login`` does for its own."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return
    message = ForwardMsg()
    message.auth_redirect.url = url
    ctx.enqueue(message)


def _here() -> str:
    """The page the tab shows, with its filters: where to come back after the cookie (or
    the page asked for before the entrypoint took over, see ``entry.to_entrypoint``)."""
    wanted = entry.wanted_page()
    if wanted:
        return wanted
    path = urlsplit(st.context.url or "/").path or "/"
    query = urlencode(st.query_params.to_dict())
    return f"{path}?{query}" if query else path


def start_session(user: User, method: str) -> bool:
    """After a successful sign-in: a new session (a new token: no fixation), and, when the
    browser can hold the cookie, a trip through the route that sets it. True when the
    browser is on its way there: the run must then end normally (as ``st.login``'s does),
    since a rerun or a stop would drop the redirect before it is sent."""
    started = sessions.start(user, method=method, bind=browser_binding())
    st.session_state[SESSION_KEY] = started.public_id
    st.session_state.pop(FLASH, None)
    set_session_user(user)
    if not started.ticket:
        return False
    _redirect(f"{server.SESSION_ROUTE}?ticket={quote(started.ticket)}&next={quote(_here())}")
    return True


def sso_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section (see docs/sso.md)."""
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def _sso_sign_in() -> User | None:
    """The account mapped to the identity-provider login of this browser, signed in."""
    if not sso_configured() or not st.user.is_logged_in:
        return None
    identity = st.user.get("email") or st.user.get("sub") or ""
    # Map (and audit) an identity once per tab, not on every rerun.
    if st.session_state.get(SSO_TRIED) == identity:
        return None
    st.session_state[SSO_TRIED] = identity
    try:
        user = auth.user_for_identity(str(identity), session_id=session_id())
    except AppError as exc:
        st.session_state[FLASH] = exc.key
        return None
    if start_session(user, "oidc"):
        return None  # on the way to the cookie route; the next page load is signed in
    return user


def current_user() -> User | None:
    """The signed-in user as the ops DB has it now; None when anonymous, expired or
    revoked (the sign-in screen then says why)."""
    public_id = st.session_state.get(SESSION_KEY)
    if public_id:
        checked = sessions.check(public_id=public_id)
    else:
        checked = sessions.check(token=_cookie(server.SESSION_COOKIE))
    if checked.user is not None:
        st.session_state[SESSION_KEY] = checked.public_id
        set_session_user(checked.user)
        return checked.user
    if checked.ended_reason is not None:
        # Say why once per tab: a cookie of an ended session keeps naming it until the
        # next sign-in replaces it.
        told = st.session_state.get(ENDED_TOLD) == checked.public_id
        _forget(None if told else sessions.ENDED_MESSAGES.get(checked.ended_reason))
        st.session_state[ENDED_TOLD] = checked.public_id
        return None
    _forget(None)
    return _sso_sign_in()


def sign_out(user: User) -> None:
    """End the session in every tab (audited), forget the cookie, and the identity
    provider's login too when there is one."""
    public_id = st.session_state.get(SESSION_KEY)
    if public_id:
        sessions.end(public_id)
    _forget("auth.signed_out")
    st.session_state.pop(SSO_TRIED, None)
    if sso_configured() and st.user.is_logged_in:
        st.logout()
    elif _cookie(server.SESSION_COOKIE):
        # The next page load is a new tab state: the route's landing page says goodbye.
        _redirect(server.SIGNED_OUT_ROUTE)
        st.stop()
    st.rerun()
