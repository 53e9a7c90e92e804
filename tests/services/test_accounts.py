"""Accounts: validation of role and scope, last-admin protection, admin bootstrap, demo
accounts, and the `postmart users` commands."""

from __future__ import annotations

import pytest

from dashboard import i18n, registry
from dashboard.admin import accounts, audit_log, bootstrap
from dashboard.cli import main as postmart
from dashboard.errors import Conflict, ValidationFailed
from dashboard.identity import audit, auth, authz
from tests.ops_db import MakeUser
from warehouse import ops
from warehouse.settings import Settings


@pytest.mark.parametrize(
    ("kw", "key"),
    [
        ({"role": "ministry", "province_codes": ("10",)}, "accounts.scope_not_allowed"),
        ({"role": "admin", "branch_code": "B1"}, "accounts.scope_not_allowed"),
        ({"role": "provincial_officer"}, "accounts.scope_provinces_required"),
        (
            {"role": "provincial_officer", "province_codes": ("82",), "branch_code": "B1"},
            "accounts.scope_provinces_required",
        ),
        (
            {"role": "provincial_officer", "province_codes": ("8",)},
            "accounts.province_code_invalid",
        ),
        ({"role": "branch_manager"}, "accounts.scope_branch_or_region_required"),
        (
            {"role": "branch_manager", "branch_code": "B1", "postal_region_code": "PR06"},
            "accounts.scope_branch_or_region_required",
        ),
        ({"role": "branch_manager", "postal_region_code": "R6"}, "accounts.postal_region_invalid"),
        ({"role": "superuser"}, "accounts.role_unknown"),
        ({"role": "ministry", "username": "a b"}, "accounts.username_invalid"),
        ({"role": "ministry", "username": "../etc"}, "accounts.username_invalid"),
        ({"role": "ministry", "language": "fr"}, "auth.language_unknown"),
    ],
)
def test_create_user_validates(admin: auth.User, kw: dict, key: str) -> None:
    kw = {"username": "new.user", "display_name": "New", **kw}
    with pytest.raises(ValidationFailed) as err:
        accounts.create_user(admin, **kw)
    assert err.value.key == key


def test_usernames_are_unique_case_insensitively(make_user: MakeUser) -> None:
    make_user("ministry", username="somchai")
    with pytest.raises(Conflict):
        make_user("ministry", username="SomChai")


def test_the_last_admin_stays(admin: auth.User, make_user: MakeUser) -> None:
    with pytest.raises(Conflict) as err:
        accounts.update_user(authz.CLI_ACTOR, admin.user_id, role="ministry")
    assert err.value.key == "accounts.last_admin"
    with pytest.raises(Conflict):
        accounts.set_active(authz.CLI_ACTOR, admin.user_id, False)
    with pytest.raises(Conflict) as err:
        accounts.set_active(admin, admin.user_id, False)
    assert err.value.key == "accounts.cannot_disable_self"
    other, _ = make_user("admin")
    assert accounts.update_user(admin, other.user_id, role="ministry").role == "ministry"


def test_role_change_resets_the_scope(admin: auth.User, make_user: MakeUser) -> None:
    officer, _ = make_user("provincial_officer", province_codes=("82",))
    changed = accounts.update_user(admin, officer.user_id, role="payments_officer")
    assert (changed.role, changed.province_codes) == ("payments_officer", ())
    manager = accounts.update_user(admin, officer.user_id, role="branch_manager", branch_code="B7")
    assert (manager.branch_code, manager.postal_region_code) == ("B7", None)


def test_ensure_admin_only_when_nobody_exists(ops_settings: Settings) -> None:
    password = bootstrap.ensure_admin()
    assert password
    assert bootstrap.ensure_admin() is None
    user = auth.sign_in("admin", password, session_id="s")
    assert user.role == "admin" and user.must_change_password


def test_demo_users_one_per_role_and_idempotent(ops_settings: Settings) -> None:
    first = bootstrap.create_demo_users()
    roles = [role for _, _, role in first]
    assert set(roles) == set(registry.page("home").roles)
    again = dict((u, p) for u, p, _ in bootstrap.create_demo_users())
    for username, old_password, _ in first:
        assert again[username] != old_password
        auth.sign_in(username, again[username], session_id="s")
    phang_nga = auth.sign_in("demo.phangnga", again["demo.phangnga"], session_id="s")
    assert phang_nga.province_codes == ("82",)
    assert audit.verify().ok


def test_cli_users_commands(ops_settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert postmart(["users", "ensure-admin"]) == 0
    assert "one-time password" in capsys.readouterr().out
    assert postmart(["users", "ensure-admin"]) == 0
    assert capsys.readouterr().out == ""
    args = ["users", "add", "off82", "--role", "provincial_officer", "--province", "82"]
    assert postmart([*args, "--province", "83", "--name", "คุณสมศรี", "--language", "en"]) == 0
    password = capsys.readouterr().out.split("one-time password: ")[1].split()[0]
    user = auth.sign_in("off82", password, session_id="s")
    assert (user.province_codes, user.language, user.display_name) == (
        ("82", "83"),
        "en",
        "คุณสมศรี",
    )
    assert postmart(["users", "add", "bad", "--role", "ministry", "--province", "10"]) == 2
    # One line, in words, naming the problem (not a key, not a traceback).
    assert capsys.readouterr().err == (
        "postmart: " + i18n.translate("accounts.scope_not_allowed", "en", role="ministry") + "\n"
    )
    assert postmart(["users", "disable", "off82"]) == 0
    with pytest.raises(auth.SignInFailed):
        auth.sign_in("off82", password, session_id="s")
    assert postmart(["users", "enable", "off82"]) == 0
    assert postmart(["users", "reset-password", "off82"]) == 0
    new = capsys.readouterr().out.split("new one-time password for off82: ")[1].split()[0]
    assert auth.sign_in("off82", new, session_id="s").must_change_password
    assert postmart(["users", "list"]) == 0
    listing = capsys.readouterr().out
    assert "off82" in listing and "provinces 82,83" in listing
    assert postmart(["users", "demo"]) == 0
    assert "demo.phangnga" in capsys.readouterr().out
    log = audit_log.browse(authz.CLI_ACTOR, username="cli")
    assert {"user.created", "user.disabled", "user.enabled", "user.password_reset"} <= set(
        log["action"]
    )
    assert set(log["role"]) == {"system"}


def test_ops_db_is_migrated_and_tuned(ops_settings: Settings) -> None:
    eng = ops.engine()
    assert ops.current_heads(eng)
    assert ops.migrate(eng) == []  # nothing left to apply
    if ops.is_sqlite(eng):
        with ops.read(eng) as conn:
            assert conn.exec_driver_sql("pragma journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("pragma foreign_keys").scalar() == 1
            assert (
                conn.exec_driver_sql("pragma busy_timeout").scalar() == ops.SQLITE_BUSY_TIMEOUT_MS
            )
