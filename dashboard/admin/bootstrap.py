"""The accounts a new installation starts with: an ``admin`` when there is no account at
all (``postmart users ensure-admin``, run by ``make run``), and one demo account per role
(``postmart demo``, ``postmart users demo``). Passwords are new each time and printed once.
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from dashboard.admin.accounts import account_state, insert_user, reset_credentials, set_provinces
from dashboard.errors import Conflict
from dashboard.identity import audit, authz
from dashboard.identity.auth import now_utc
from warehouse import ops
from warehouse.ops_schema import users
from warehouse.settings import Settings

# (username, display name, role, provinces, branch, postal region) of the demo accounts.
DEMO_ACCOUNTS: tuple[tuple[str, str, str, tuple[str, ...], str | None, str | None], ...] = (
    ("demo.ministry", "Demo ministry official", "ministry", (), None, None),
    (
        "demo.officer",
        "Demo provincial officer (Chiang Mai)",
        "provincial_officer",
        ("50",),
        None,
        None,
    ),
    (
        "demo.phangnga",
        "Demo provincial officer (Phang Nga)",
        "provincial_officer",
        ("82",),
        None,
        None,
    ),
    ("demo.branch", "Demo postal region manager (PR06)", "branch_manager", (), None, "PR06"),
    ("demo.payments", "Demo payments officer", "payments_officer", (), None, None),
    ("demo.admin", "Demo administrator", "admin", (), None, None),
)


def ensure_admin(settings: Settings | None = None) -> str | None:
    """Create ``admin`` when no account exists at all; return its one-time password."""
    with ops.write(ops.engine(settings)) as conn:
        if conn.execute(select(func.count()).select_from(users)).scalar_one():
            return None
        try:
            _, password = insert_user(
                conn,
                authz.CLI_ACTOR,
                username="admin",
                display_name="Administrator",
                role="admin",
                provinces=(),
                branch=None,
                region=None,
                language="th",
                sso_identity=None,
                must_change_password=True,
                session_id=None,
            )
        except Conflict:
            # Another process created it between our count and insert (PostgreSQL).
            return None
        return password


def create_demo_users(settings: Settings | None = None) -> list[tuple[str, str, str]]:
    """One demo account per role, plus a provincial officer for Phang Nga (82).

    Idempotent: existing demo accounts get their role and scope back, are enabled, and
    get a fresh password. Returns (username, password, role).
    """
    actor = authz.CLI_ACTOR
    out = []
    with ops.write(ops.engine(settings)) as conn:
        for username, name, role, provinces, branch, region in DEMO_ACCOUNTS:
            row = conn.execute(select(users).where(users.c.username == username)).first()
            if row is None:
                _, password = insert_user(
                    conn,
                    actor,
                    username=username,
                    display_name=name,
                    role=role,
                    provinces=provinces,
                    branch=branch,
                    region=region,
                    language="th",
                    sso_identity=None,
                    must_change_password=False,
                    session_id=None,
                )
            else:
                before = account_state(conn, row.user_id)
                conn.execute(
                    update(users)
                    .where(users.c.user_id == row.user_id)
                    .values(
                        display_name=name,
                        role=role,
                        branch_code=branch,
                        postal_region_code=region,
                        is_active=True,
                        updated_at=now_utc(),
                    )
                )
                set_provinces(conn, row.user_id, provinces)
                after = account_state(conn, row.user_id)
                changed = {k for k in after if k != "updated_at" and after[k] != before[k]}
                if changed:
                    audit.append(
                        conn,
                        actor=actor,
                        action="user.updated",
                        entity="user",
                        entity_id=str(row.user_id),
                        before={k: before[k] for k in changed},
                        after={k: after[k] for k in changed},
                        session_id=None,
                    )
                password = reset_credentials(
                    conn, actor, row.user_id, must_change_password=False, session_id=None
                )
            out.append((username, password, role))
    return out
