"""Who is acting: the ``User`` every service takes first, and how one is read from the ops DB.

A leaf of the app: it imports only the ops DB, so the audit writer, the sign-in code, the
authorization rules and every domain can all name a ``User`` without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from warehouse import ops
from warehouse.ops_schema import user_provinces, users
from warehouse.settings import Settings

# The command line acts as this role: it already holds the DB, so it may do what an admin
# may. No account can have it (the users table's check constraint lists ROLES only).
SYSTEM_ROLE = "system"


@dataclass(frozen=True)
class User:
    user_id: int
    username: str
    display_name: str
    role: str
    province_codes: tuple[str, ...]
    branch_code: str | None
    postal_region_code: str | None
    language: str  # "th" | "en"
    # True after an admin created or reset the account: the UI should ask for a new password.
    must_change_password: bool = False


CLI_ACTOR = User(
    user_id=0,
    username="cli",
    display_name="Command line",
    role=SYSTEM_ROLE,
    province_codes=(),
    branch_code=None,
    postal_region_code=None,
    language="en",
)


def _provinces(conn: Connection, user_id: int) -> tuple[str, ...]:
    rows = conn.execute(
        select(user_provinces.c.province_code)
        .where(user_provinces.c.user_id == user_id)
        .order_by(user_provinces.c.province_code)
    )
    return tuple(r[0] for r in rows)


def user_from_row(conn: Connection, row: Any) -> User:
    """A ``User`` from a row of ``users`` (its provinces read on the same connection)."""
    return User(
        user_id=row.user_id,
        username=row.username,
        display_name=row.display_name,
        role=row.role,
        province_codes=_provinces(conn, row.user_id),
        branch_code=row.branch_code,
        postal_region_code=row.postal_region_code,
        language=row.language,
        must_change_password=bool(row.must_change_password),
    )


def load_user(user_id: int, settings: Settings | None = None) -> User | None:
    """The account as it is now, or None when it is gone or disabled."""
    with ops.read(ops.engine(settings)) as conn:
        row = conn.execute(
            select(users).where(users.c.user_id == user_id, users.c.is_active.is_(True))
        ).first()
        return None if row is None else user_from_row(conn, row)
