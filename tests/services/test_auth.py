"""Sign-in, its throttle, password and language — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from argon2 import PasswordHasher, extract_parameters
from sqlalchemy import update

from dashboard.admin import accounts, audit_log
from dashboard.errors import NotSignedIn, ValidationFailed
from dashboard.identity import auth, authz
from dashboard.identity.auth import SignInFailed
from tests.ops_db import MakeUser
from warehouse import ops
from warehouse.ops_schema import auth_throttle
from warehouse.settings import Settings


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


STRANGER = auth.client_key("203.0.113.7", "stranger-browser")
OWNER = auth.client_key("198.51.100.2", "owners-browser")


def _fail_times(name: str, n: int, client: str) -> None:
    for _ in range(n):
        with pytest.raises(SignInFailed):
            auth.sign_in(name, "not-the-password", session_id="s", client=client)


def test_five_failures_block_that_client_only_and_say_nothing_new(make_user: MakeUser) -> None:
    user, password = make_user("ministry")
    _fail_times(user.username, auth.MAX_FAILED_SIGN_INS, STRANGER)
    # The guessing client: even the right password gets the one generic answer.
    with pytest.raises(SignInFailed) as err:
        auth.sign_in(user.username, password, session_id="s", client=STRANGER)
    assert (err.value.key, err.value.params) == ("auth.sign_in_failed", {})
    # The owner, on their own browser, is not locked out.
    assert auth.sign_in(user.username, password, session_id="s", client=OWNER).user_id == (
        user.user_id
    )


def test_an_admin_cannot_be_locked_out_by_a_stranger(make_user: MakeUser) -> None:
    admin, password = make_user("admin")
    _fail_times(admin.username, auth.MAX_FAILED_SIGN_INS + 3, STRANGER)
    assert auth.sign_in(admin.username, password, session_id="s", client=OWNER).role == "admin"


def test_unknown_and_known_names_are_throttled_alike(make_user: MakeUser) -> None:
    """After as many failures, a real name and a made-up one answer the same way."""
    user, password = make_user("ministry")
    answers = []
    for name, right in ((user.username, password), ("no.such.person", "whatever-it-is")):
        _fail_times(name, auth.MAX_FAILED_SIGN_INS, STRANGER)
        with pytest.raises(SignInFailed) as err:
            auth.sign_in(name, right, session_id="s", client=STRANGER)
        answers.append((type(err.value), err.value.key, err.value.params))
    assert answers[0] == answers[1]


def test_the_block_runs_out(make_user: MakeUser) -> None:
    user, password = make_user("ministry")
    _fail_times(user.username, auth.MAX_FAILED_SIGN_INS, STRANGER)
    # The block's minutes pass: move it into the past in the DB itself.
    past = auth.now_utc() - dt.timedelta(seconds=1)
    with ops.write(ops.engine()) as conn:
        conn.execute(update(auth_throttle).values(blocked_until=past))
    assert auth.sign_in(user.username, password, session_id="s", client=STRANGER).user_id == (
        user.user_id
    )


def test_success_resets_the_clients_count(make_user: MakeUser) -> None:
    user, password = make_user("ministry")
    _fail_times(user.username, auth.MAX_FAILED_SIGN_INS - 1, STRANGER)
    auth.sign_in(user.username, password, session_id="s", client=STRANGER)
    _fail_times(user.username, auth.MAX_FAILED_SIGN_INS - 1, STRANGER)
    assert auth.sign_in(user.username, password, session_id="s", client=STRANGER).username == (
        user.username
    )


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0.0), (auth.ACCOUNT_FREE_FAILURES - 1, 0.0), (auth.ACCOUNT_FREE_FAILURES, 0.5),
     (auth.ACCOUNT_FREE_FAILURES + 2, 2.0), (auth.ACCOUNT_FREE_FAILURES + 30, auth.MAX_DELAY_S)],
)  # fmt: skip
def test_guessing_from_many_clients_slows_down_but_locks_no_one(
    failures: int, seconds: float
) -> None:
    assert auth.delay_s(failures) == seconds


def test_every_attempt_is_audited_with_the_clients_count(
    make_user: MakeUser, admin: auth.User
) -> None:
    user, _ = make_user("ministry")
    _fail_times(user.username, 2, STRANGER)
    entry = audit_log.browse(admin, action="auth.sign_in_failed").row(0, named=True)
    assert json.loads(entry["after"]) == {"reason": "wrong_password", "count_failed": 2}


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


def test_passwords_are_hashed_with_argon2id_at_its_recommended_profile(make_user: MakeUser) -> None:
    """The real profile (the rest of the suite uses a cheap one): argon2-cffi's defaults,
    RFC 9106's low-memory choice."""
    cheap = auth.use_hasher(PasswordHasher())
    try:
        stored = auth.hash_password("correct horse battery")
    finally:
        auth.use_hasher(cheap)
    params = extract_parameters(stored)
    assert stored.startswith("$argon2id$")
    assert (params.time_cost, params.memory_cost, params.parallelism) == (3, 65536, 4)
    user, password = make_user("ministry")
    assert auth.sign_in(user.username, password, session_id="s").user_id == user.user_id
