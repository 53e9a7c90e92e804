"""The audit log: append-only, hash-chained, verified; tampering is found and named."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from dashboard.admin import accounts, audit_log
from dashboard.cli import main as postmart
from dashboard.errors import PermissionDenied
from dashboard.identity import audit, auth, authz
from tests.ops_db import MakeUser
from warehouse import ops
from warehouse.settings import Settings


def _some_entries(n: int = 5) -> None:
    for i in range(n):
        audit.record(
            actor=authz.CLI_ACTOR,
            action="test.event",
            entity="thing",
            entity_id=str(i),
            before={"n": i},
            after={"n": i + 1, "name": "ภูเก็ต"},
            session_id=None,
        )


def _tamper(sql: str) -> None:
    """What someone with the DB's password could do: switch the guard off, then edit."""
    eng = ops.engine()
    with ops.write(eng) as conn:
        if ops.is_sqlite(conn):
            conn.execute(text("drop trigger audit_log_no_update"))
            conn.execute(text("drop trigger audit_log_no_delete"))
        else:
            conn.execute(text("alter table audit_log disable trigger audit_log_append_only"))
        conn.exec_driver_sql(sql)


def test_a_normal_log_verifies(ops_settings: Settings) -> None:
    _some_entries()
    result = audit.verify()
    assert (result.ok, result.checked, result.bad_entry_id) == (True, 5, None)


def test_an_empty_log_verifies(ops_settings: Settings) -> None:
    assert audit.verify().ok


@pytest.mark.parametrize(
    ("sql", "bad_id"),
    [
        ("update audit_log set after_json = '{\"n\":99}' where id = 3", 3),
        ("update audit_log set username = 'someone' where id = 2", 2),
        ("delete from audit_log where id = 3", 3),
        ("delete from audit_log where id = 5", 5),  # the newest: caught by the chain head
        ("delete from audit_log where id = 1", 1),
    ],
)
def test_an_edited_or_deleted_entry_is_named(ops_settings: Settings, sql: str, bad_id: int) -> None:
    _some_entries()
    _tamper(sql)
    result = audit.verify()
    assert not result.ok
    assert result.bad_entry_id == bad_id
    assert str(bad_id) in result.reason


def test_the_engine_refuses_updates_and_deletes(ops_settings: Settings) -> None:
    _some_entries(1)
    for sql in ("update audit_log set action = 'x'", "delete from audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            with ops.write(ops.engine()) as conn:
                conn.execute(text(sql))
    assert audit.verify().ok


def test_concurrent_appends_keep_one_chain(ops_settings: Settings) -> None:
    threads = [threading.Thread(target=_some_entries, args=(10,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result = audit.verify()
    assert (result.ok, result.checked) == (True, 40)


def test_cli_verify_passes_then_fails_naming_the_entry(
    ops_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    _some_entries(4)
    assert postmart(["audit", "verify"]) == 0
    assert capsys.readouterr().out.startswith("OK: 4 entries")
    _tamper("update audit_log set entity_id = '7' where id = 2")
    assert postmart(["audit", "verify"]) == 1
    assert "entry 2" in capsys.readouterr().err


def test_user_changes_are_audited_without_password_hashes(
    make_user: MakeUser, admin: auth.User
) -> None:
    user, _ = make_user("provincial_officer", province_codes=("82",))
    accounts.update_user(admin, user.user_id, province_codes=("82", "83"), session_id="s1")
    accounts.reset_password(admin, user.user_id)
    log = audit_log.browse(admin)
    assert not log.filter(log["after"].str.contains("argon2")).height
    assert not log.filter(log["after"].str.contains("password_hash")).height
    change = log.filter(action="user.updated").row(0, named=True)
    assert (change["before"], change["after"]) == (
        '{"province_codes":["82"]}',
        '{"province_codes":["82","83"]}',
    )
    assert (change["username"], change["role"], change["session_id"]) == (
        "root.admin",
        "admin",
        "s1",
    )


def test_browse_filters_and_export(make_user: MakeUser, admin: auth.User) -> None:
    _some_entries(3)
    assert audit_log.browse(admin, action="test.event").height == 3
    assert audit_log.browse(admin, username="cli", action="test.event", limit=2).height == 2
    today = auth.now_utc().astimezone(audit_log.LOCAL_TZ).date()
    assert audit_log.browse(admin, since=today, until=today, action="test.event").height == 3
    csv_bytes = audit_log.export_csv(admin, action="test.event")
    assert csv_bytes.startswith("\ufeff".encode())
    assert "ภูเก็ต" in csv_bytes.decode("utf-8")
    assert csv_bytes.decode("utf-8").count("\n") == 4


@pytest.mark.parametrize(
    "role", ["ministry", "provincial_officer", "branch_manager", "payments_officer"]
)
def test_only_admins_read_the_log(make_user: MakeUser, role: str) -> None:
    user, _ = make_user(role)
    with pytest.raises(PermissionDenied):
        audit_log.browse(user)
    with pytest.raises(PermissionDenied):
        audit_log.export_csv(user)
