"""Accounts, their province scopes, and the hash-chained audit log.

Revision ID: 0001
Revises:
Create Date: 2025-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ROLES = ("ministry", "provincial_officer", "branch_manager", "payments_officer", "admin")
TS = sa.DateTime(timezone=True)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} in ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("user_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("branch_code", sa.String(32)),
        sa.Column("postal_region_code", sa.String(8)),
        sa.Column("sso_identity", sa.String(320)),
        sa.Column("password_hash", sa.String(255)),
        sa.Column("must_change_password", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("language", sa.String(2), nullable=False, server_default="th"),
        sa.Column("last_sign_in_at", TS),
        sa.Column("count_failed_sign_ins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", TS),
        sa.Column("password_changed_at", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("username", name="uq_users_username"),
        sa.UniqueConstraint("sso_identity", name="uq_users_sso_identity"),
        sa.CheckConstraint(_in("role", ROLES), name="ck_users_role"),
        sa.CheckConstraint(_in("language", ("th", "en")), name="ck_users_language"),
        sa.CheckConstraint("count_failed_sign_ins >= 0", name="ck_users_failed_count"),
    )
    op.create_table(
        "user_provinces",
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("users.user_id", ondelete="CASCADE", name="fk_user_provinces_user"),
            primary_key=True,
        ),
        sa.Column("province_code", sa.String(2), primary_key=True),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("username", sa.String(320)),
        sa.Column("role", sa.String(32)),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("entity_id", sa.String(200)),
        sa.Column("before_json", sa.Text),
        sa.Column("after_json", sa.Text),
        sa.Column("session_id", sa.String(128)),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("hash", name="uq_audit_log_hash"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_action", "audit_log", ["action"])
    op.create_index("ix_audit_log_username", "audit_log", ["username"])
    head = op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_id", sa.BigInteger, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_audit_chain_head_single"),
    )
    op.bulk_insert(head, [{"id": 1, "last_id": 0, "last_hash": "0" * 64}])

    # Append-only in the engine itself; the hash chain catches whoever drops these.
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("update", "delete"):
            op.execute(
                f"create trigger audit_log_no_{verb} before {verb} on audit_log "
                "begin select raise(abort, 'audit_log is append-only'); end"
            )
    else:
        op.execute(
            "create function audit_log_append_only() returns trigger language plpgsql as $$ "
            "begin raise exception 'audit_log is append-only'; end $$"
        )
        op.execute(
            "create trigger audit_log_append_only before update or delete or truncate "
            "on audit_log for each statement execute function audit_log_append_only()"
        )


def downgrade() -> None:
    raise NotImplementedError("the audit log is never dropped by a migration")
