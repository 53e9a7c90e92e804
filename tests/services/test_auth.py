"""Sign-in, lockout, idle expiry, password and language — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import update

from dashboard.admin import accounts, audit_log
from dashboard.errors import NotSignedIn, ValidationFailed
from dashboard.identity import auth, authz
from dashboard.identity.auth import AccountLocked, SignInFailed
from warehouse import ops
from warehouse.ops_schema import users
from warehouse.settings import Settings

from .conftest import MakeUser


def _actions(admin: auth.User, settings: Settings) -> list[str]:
    return audit_log.browse(admin, settings=settings)["action"].to_list()[::-1]


def test_sign_in_returns_the_account_and_is_audited(
    make_user: MakeUser, admin: auth.User, ops_settings: Settings
) -> None:
    officer, password = make_user("provincial_officer", province_codes=("82", "83"))
    user = auth.sign_in("  " + officer.username.upper(), password, session_id="s-1")
    assert user.username == officer.username
    assert user.province_codes == ("82", "83")
    entry = audit_log.browse(admin, action="auth.sign_in", settings=ops_settings).row(0, named=True)
    assert (entry["username"], entry["role"], entry["session_id"]) == (
        officer.username,
        "provincial_officer",
        "s-1",
    )


@pytest.mark.parametrize("case", ["unknown user", "wrong password", "disabled account"])
def test_every_failure_looks_the_same(
    case: str, make_user: MakeUser, admin: auth.User, ops_settings: Settings
) -> None:
    user, password = make_user("ministry")
    if case == "disabled account":
        accounts.set_active(authz.CLI_ACTOR, user.user_id, False)
    name = "nobody" if case == "unknown user" else user.username
    attempt = "wrong-password" if case == "wrong password" else password
    with pytest.raises(SignInFailed) as err:
        auth.sign_in(name, attempt, session_id="s")
    assert err.value.key == "auth.sign_in_failed" and err.value.params == {}
    entry = audit_log.browse(admin, action="auth.sign_in_failed").row(0, named=True)
    assert entry["username"] == name
    assert attempt not in (entry["after"] or "")  # the password never reaches the log


def test_five_failures_lock_and_the_sixth_is_refused_even_when_right(
    make_user: MakeUser,
) -> None:
    user, password = make_user("ministry")
    for _ in range(auth.MAX_FAILED_SIGN_INS):
        with pytest.raises(SignInFailed):
            auth.sign_in(user.username, "not-the-password", session_id="s")
    with pytest.raises(AccountLocked) as err:
        auth.sign_in(user.username, password, session_id="s")
    assert err.value.key == "auth.account_locked"
    assert 14 <= err.value.params["minutes"] <= auth.LOCK_MINUTES


def test_lock_runs_out_after_fifteen_minutes(make_user: MakeUser, ops_settings: Settings) -> None:
    user, password = make_user("ministry")
    for _ in range(auth.MAX_FAILED_SIGN_INS):
        with pytest.raises(SignInFailed):
            auth.sign_in(user.username, "nope-nope-nope", session_id="s")
    # Fifteen minutes pass: move the lock into the past in the DB itself.
    past = auth.now_utc() - dt.timedelta(seconds=1)
    with ops.write(ops.engine()) as conn:
        conn.execute(update(users).where(users.c.user_id == user.user_id).values(locked_until=past))
    assert auth.sign_in(user.username, password, session_id="s").user_id == user.user_id


def test_success_resets_the_failure_count(make_user: MakeUser) -> None:
    user, password = make_user("ministry")
    for _ in range(auth.MAX_FAILED_SIGN_INS - 1):
        with pytest.raises(SignInFailed):
            auth.sign_in(user.username, "wrong-wrong", session_id="s")
    auth.sign_in(user.username, password, session_id="s")
    for _ in range(auth.MAX_FAILED_SIGN_INS - 1):
        with pytest.raises(SignInFailed):
            auth.sign_in(user.username, "wrong-wrong", session_id="s")
    assert auth.sign_in(user.username, password, session_id="s").username == user.username


def test_admin_reset_unlocks(make_user: MakeUser) -> None:
    user, _ = make_user("ministry")
    for _ in range(auth.MAX_FAILED_SIGN_INS):
        with pytest.raises(SignInFailed):
            auth.sign_in(user.username, "wrong-wrong", session_id="s")
    new = accounts.reset_password(authz.CLI_ACTOR, user.user_id)
    assert auth.sign_in(user.username, new, session_id="s").must_change_password


@pytest.mark.parametrize(("idle_minutes", "expired"), [(29, False), (30, False), (31, True)])
def test_session_expires_after_the_idle_setting(
    ops_settings: Settings, idle_minutes: int, expired: bool
) -> None:
    last = dt.datetime(2025, 1, 1, 8, 0, tzinfo=dt.UTC)
    now = last + dt.timedelta(minutes=idle_minutes)
    assert auth.session_expired(last, now, ops_settings) is expired


def test_sign_out_is_audited(make_user: MakeUser, admin: auth.User) -> None:
    user, password = make_user("payments_officer")
    auth.sign_out(auth.sign_in(user.username, password, session_id="s9"), session_id="s9")
    assert _actions(admin, None)[-2:] == ["auth.sign_in", "auth.sign_out"]


def test_change_password(make_user: MakeUser, admin: auth.User) -> None:
    user, password = make_user("ministry")
    with pytest.raises(ValidationFailed) as err:
        auth.change_password(user, "wrong-old-password", "a-new-password-1", session_id="s")
    assert err.value.key == "auth.old_password_wrong"
    with pytest.raises(ValidationFailed) as err:
        auth.change_password(user, password, "short", session_id="s")
    assert err.value.key == "auth.password_too_short"
    auth.change_password(user, password, "a-new-password-1", session_id="s")
    signed_in = auth.sign_in(user.username, "a-new-password-1", session_id="s")
    assert not signed_in.must_change_password
    with pytest.raises(SignInFailed):
        auth.sign_in(user.username, password, session_id="s")
    entry = audit_log.browse(admin, action="auth.password_changed").row(0, named=True)
    assert entry["before"] is None and entry["after"] is None


def test_language_persists_per_user(make_user: MakeUser, admin: auth.User) -> None:
    user, password = make_user("ministry")
    assert user.language == "th"
    assert auth.set_language(user, "en", session_id="s").language == "en"
    assert auth.sign_in(user.username, password, session_id="s").language == "en"
    entry = audit_log.browse(admin, action="auth.language_changed").row(0, named=True)
    assert (json.loads(entry["before"]), json.loads(entry["after"])) == (
        {"language": "th"},
        {"language": "en"},
    )
    with pytest.raises(ValidationFailed):
        auth.set_language(user, "fr", session_id="s")


def test_disabled_user_cannot_change_language(make_user: MakeUser) -> None:
    user, _ = make_user("ministry")
    accounts.set_active(authz.CLI_ACTOR, user.user_id, False)
    with pytest.raises(NotSignedIn):
        auth.set_language(user, "en", session_id="s")


def test_identity_maps_to_an_account(make_user: MakeUser) -> None:
    user, _ = make_user("branch_manager", sso_identity="Manager@Post.example")
    assert auth.user_for_identity("manager@post.example").user_id == user.user_id
    with pytest.raises(SignInFailed):
        auth.user_for_identity("stranger@post.example")
    accounts.set_active(authz.CLI_ACTOR, user.user_id, False)
    with pytest.raises(SignInFailed):
        auth.user_for_identity("manager@post.example")


def test_timestamps_are_utc(make_user: MakeUser, admin: auth.User) -> None:
    user, password = make_user("ministry")
    before = auth.now_utc()
    auth.sign_in(user.username, password, session_id="s")
    row = accounts.list_users(admin).filter(username=user.username).row(0, named=True)
    assert row["last_sign_in_at"].tzinfo is not None
    assert before <= row["last_sign_in_at"] <= auth.now_utc()
