"""The test ops DB, one stack for every suite: a migrated template made once per session
and engine, copied for each test — the SQLite file, or a PostgreSQL database made with
``CREATE DATABASE ... TEMPLATE`` — plus factories of accounts.

Copying a migrated database costs next to nothing; migrating one costs tenths of a second
on SQLite and more on PostgreSQL, for every test that needs an ops DB.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url

from dashboard.admin import accounts
from dashboard.identity import authz
from dashboard.identity.user import User
from tests.lake_catalogs import PgServer
from warehouse import ops

MakeUser = Callable[..., tuple[User, str]]


def migrated_sqlite(path: Path) -> Path:
    """A SQLite ops DB at ``path`` with every migration applied, its WAL folded in (so the
    one file is the whole database, ready to copy)."""
    url = f"sqlite:///{path}"
    eng = ops.create(url)
    try:
        ops.migrate(eng)
    finally:
        eng.dispose()
    checkpoint(path)
    return path


def checkpoint(path: Path) -> None:
    """Fold a SQLite database's WAL into its file."""
    with sqlite3.connect(path) as con:
        con.execute("pragma wal_checkpoint(truncate)")


def copy_sqlite(template: Path, target: Path) -> str:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


def migrated_postgres(server: PgServer) -> str:
    """A PostgreSQL database with every migration applied, left without sessions (a
    template must have none)."""
    name = server.create_database()
    eng = ops.create(pg_url(server, name))
    try:
        ops.migrate(eng)
    finally:
        eng.dispose()
    return name


def pg_url(server: PgServer, name: str) -> str:
    url = make_url("postgresql+psycopg://").set(
        username=server.user,
        password=server.password,
        host=server.host,
        port=server.port,
        database=name,
    )
    return url.render_as_string(hide_password=False)


def make_user_factory() -> MakeUser:
    """``make("ministry")`` or with keyword overrides: an account made by the command line,
    and its one-time password."""
    counter = iter(range(1, 10_000))

    def make(role: str, **kw: object) -> tuple[User, str]:
        defaults: dict[str, object] = {
            "province_codes": ("82",) if role == "provincial_officer" else (),
            "postal_region_code": "PR06" if role == "branch_manager" else None,
        }
        defaults.update(kw)
        username = str(defaults.pop("username", f"{role.replace('_', '.')}{next(counter)}"))
        display_name = str(defaults.pop("display_name", username))
        return accounts.create_user(
            authz.CLI_ACTOR,
            username=username,
            display_name=display_name,
            role=role,
            **defaults,  # type: ignore[arg-type]
        )

    return make


# The onboarding suite's cast: two officers of Phang Nga (82), one of Bangkok (10), a
# ministry user, an admin.
CAST = {
    "pn_a": ("pn_officer_a", "provincial_officer", ("82",)),
    "pn_b": ("pn_officer_b", "provincial_officer", ("82",)),
    "bkk": ("bkk_officer", "provincial_officer", ("10",)),
    "ministry": ("ministry_user", "ministry", ()),
    "admin": ("admin_user", "admin", ()),
}


class LazyCast(dict):
    """The cast's accounts, each made on first use."""

    def __missing__(self, key: str) -> User:
        username, role, provinces = CAST[key]
        user, _password = accounts.create_user(
            authz.CLI_ACTOR,
            username=username,
            display_name=username,
            role=role,
            province_codes=provinces,
        )
        self[key] = user
        return user
