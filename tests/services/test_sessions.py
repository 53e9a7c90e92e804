"""Server-side sessions: hashed tokens, a new one at every sign-in, one-time tickets bound to
the browser, idle and absolute expiry, and revocation — on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

import pytest
from sqlalchemy import select, update

from dashboard.admin import accounts, audit_log
from dashboard.identity import auth, authz, sessions
from dashboard.identity.user import User
from tests.ops_db import MakeUser
from warehouse import ops
from warehouse.ops_schema import auth_session
from warehouse.settings import Settings

BROWSER = "the-browsers-binding-cookie"


def _signed_in(make_user: MakeUser, role: str = "ministry") -> tuple[User, str]:
    user, password = make_user(role)
    return auth.sign_in(user.username, password, session_id="s"), password


def _cookie_session(user: User) -> tuple[sessions.Started, str]:
    """A session as a browser gets it: started with a ticket, the ticket redeemed."""
    started = sessions.start(user, method="password", bind=BROWSER)
    token = sessions.redeem(started.ticket, BROWSER)
    assert token
    return started, token


def _rows() -> list:
    with ops.read(ops.engine()) as conn:
        return conn.execute(select(auth_session).order_by(auth_session.c.session_id)).all()


def test_the_database_keeps_only_hashes(make_user: MakeUser) -> None:
    user, _ = _signed_in(make_user)
    started, token = _cookie_session(user)
    [row] = _rows()
    assert len(token) >= 43  # 32 random bytes, URL-safe base64: 256 bits
    assert row.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    stored = " ".join(str(v) for v in row)
    assert token not in stored and started.ticket not in stored
    assert row.ticket_sha256 is None  # used up


def test_the_cookie_and_the_tab_find_the_same_session(make_user: MakeUser) -> None:
    user, _ = _signed_in(make_user)
    started, token = _cookie_session(user)
    by_cookie = sessions.check(token=token)
    by_tab = sessions.check(public_id=started.public_id)
    assert by_cookie.user == by_tab.user == user
    assert by_cookie.public_id == started.public_id
    assert sessions.check(token="not-a-token").user is None


def test_every_sign_in_gets_a_new_token(make_user: MakeUser) -> None:
    user, _ = _signed_in(make_user)
    first, first_token = _cookie_session(user)
    second, second_token = _cookie_session(user)
    assert first.public_id != second.public_id and first_token != second_token
    assert first.ticket != second.ticket


@pytest.mark.parametrize(
    "misuse", ["forged", "replayed", "another browser", "no browser cookie", "too late"]
)
def test_a_ticket_redeems_once_within_its_minute_from_its_browser(
    make_user: MakeUser, admin: User, misuse: str
) -> None:
    user, _ = _signed_in(make_user)
    started = sessions.start(user, method="password", bind=BROWSER)
    ticket, bind = started.ticket, BROWSER
    if misuse == "forged":
        ticket = sessions.new_secret()
    elif misuse == "replayed":
        assert sessions.redeem(ticket, BROWSER)
    elif misuse == "another browser":
        bind = "an-attackers-browser"  # login CSRF: the attacker's ticket in my browser
    elif misuse == "no browser cookie":
        bind = None
    elif misuse == "too late":
        past = sessions.now_utc() - dt.timedelta(seconds=1)
        with ops.write(ops.engine()) as conn:
            conn.execute(update(auth_session).values(ticket_expires_at=past))
    assert sessions.redeem(ticket, bind) is None
    assert audit_log.browse(admin, action="auth.ticket_refused").height == 1


def test_a_browser_without_the_binding_cookie_gets_no_ticket(make_user: MakeUser) -> None:
    user, _ = _signed_in(make_user)
    started = sessions.start(user, method="password", bind=None)
    assert started.ticket is None
    assert sessions.check(public_id=started.public_id).user == user  # the tab's own session


def _age(**columns: dt.datetime) -> None:
    with ops.write(ops.engine()) as conn:
        conn.execute(update(auth_session).values(**columns))


@pytest.mark.parametrize(
    ("column", "reason", "message"),
    [
        ("idle_expires_at", "idle", "auth.session_expired"),
        ("absolute_expires_at", "absolute", "auth.session_expired_absolute"),
    ],
)
def test_idle_and_absolute_expiry(
    make_user: MakeUser, admin: User, column: str, reason: str, message: str
) -> None:
    user, _ = _signed_in(make_user)
    started, token = _cookie_session(user)
    _age(**{column: sessions.now_utc() - dt.timedelta(seconds=1)})
    checked = sessions.check(token=token)
    assert (checked.user, checked.ended_reason) == (None, reason)
    assert sessions.ENDED_MESSAGES[reason] == message
    # It stays ended, and the expiry is in the audit log.
    assert sessions.check(public_id=started.public_id).user is None
    entry = audit_log.browse(admin, action="auth.session_expired").row(0, named=True)
    assert entry["entity_id"] == started.public_id


def test_the_limits_come_from_the_settings(make_user: MakeUser, ops_settings: Settings) -> None:
    user, _ = _signed_in(make_user)
    short = dataclasses.replace(ops_settings, session_idle_minutes=5, session_absolute_hours=1)
    before = sessions.now_utc()
    sessions.start(user, method="password", settings=short)
    [row] = _rows()
    assert dt.timedelta(minutes=5) <= row.idle_expires_at - before < dt.timedelta(minutes=6)
    assert dt.timedelta(hours=1) <= row.absolute_expires_at - before < dt.timedelta(hours=1.1)


def test_activity_moves_the_idle_expiry_but_never_past_the_absolute(make_user: MakeUser) -> None:
    user, _ = _signed_in(make_user)
    started, _ = _cookie_session(user)
    long_ago = sessions.now_utc() - dt.timedelta(minutes=10)
    soon = sessions.now_utc() + dt.timedelta(minutes=5)
    _age(last_seen_at=long_ago, absolute_expires_at=soon)
    assert sessions.check(public_id=started.public_id).user == user
    [row] = _rows()
    assert row.last_seen_at > long_ago
    assert row.idle_expires_at == row.absolute_expires_at == soon


def test_sign_out_ends_the_session_everywhere(make_user: MakeUser, admin: User) -> None:
    user, _ = _signed_in(make_user)
    started, token = _cookie_session(user)
    sessions.end(started.public_id)
    for checked in (sessions.check(token=token), sessions.check(public_id=started.public_id)):
        assert (checked.user, checked.ended_reason) == (None, "sign_out")
    actions = audit_log.browse(admin)["action"].to_list()[::-1]
    assert actions[-3:] == ["auth.sign_in", "auth.session_started", "auth.sign_out"]


@pytest.mark.parametrize("how", ["password changed", "password reset", "account disabled"])
def test_every_session_of_the_account_is_revoked(
    make_user: MakeUser, admin: User, how: str
) -> None:
    user, password = _signed_in(make_user)
    other, _ = _signed_in(make_user, "ministry")
    tokens = [_cookie_session(user)[1] for _ in range(2)]
    _, others_token = _cookie_session(other)
    if how == "password changed":
        auth.change_password(user, password, "a-brand-new-password", session_id="s")
    elif how == "password reset":
        accounts.reset_password(authz.CLI_ACTOR, user.user_id)
    else:
        accounts.set_active(authz.CLI_ACTOR, user.user_id, False)
    reason = {
        "password changed": "password_changed",
        "password reset": "password_reset",
        "account disabled": "disabled",
    }[how]
    for token in tokens:
        checked = sessions.check(token=token)
        assert (checked.user, checked.ended_reason) == (None, reason)
    assert sessions.check(token=others_token).user == other  # someone else's stays
    entry = audit_log.browse(admin, action="auth.session_revoked").row(0, named=True)
    assert entry["entity_id"] == str(user.user_id)
    assert '"count_sessions":2' in entry["after"]


def test_a_single_sign_on_user_gets_the_same_session_and_revocation(
    make_user: MakeUser, admin: User
) -> None:
    account, _ = make_user("ministry", sso_identity="aide@mdes.example")
    user = auth.user_for_identity("Aide@MDES.example", session_id="s")
    started = sessions.start(user, method="oidc", bind=BROWSER)
    token = sessions.redeem(started.ticket, BROWSER)
    assert token and sessions.check(token=token).user == account
    [row] = [r for r in _rows() if r.user_id == account.user_id]
    assert row.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert row.method == "oidc"
    accounts.set_active(authz.CLI_ACTOR, account.user_id, False)
    assert sessions.check(token=token).ended_reason == "disabled"
