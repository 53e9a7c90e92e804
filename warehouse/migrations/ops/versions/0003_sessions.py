"""Server-side sign-in sessions and the sign-in throttle.

A session is referenced by an HttpOnly cookie that only the server sets; the row keeps
the cookie's token as its SHA-256 only, and the one-time ticket that lets the browser that
signed in collect the cookie (also hashed, bound to that browser, valid for a minute).

The throttle counts failed sign-ins per account and client, so that a stranger guessing
at an account slows and blocks only themselves, never the account's owner.

Each domain added later starts its own branch of revisions from this one
(``down_revision = "0003"``); ``warehouse.ops.migrate`` upgrades every head.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "auth_session",
        sa.Column("session_id", sa.Integer, primary_key=True, autoincrement=True),
        # Public handle written into audit entries and kept in the tab's state (not secret:
        # it opens nothing without the cookie's token or the tab that signed in).
        sa.Column("public_id", sa.String(32), nullable=False),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("users.user_id", ondelete="CASCADE", name="fk_auth_session_user"),
            nullable=False,
        ),
        sa.Column("method", sa.String(16), nullable=False),  # password, oidc
        sa.Column("token_sha256", sa.String(64)),  # set when the cookie is issued
        sa.Column("ticket_sha256", sa.String(64)),  # cleared when redeemed
        sa.Column("ticket_expires_at", TS),
        sa.Column("bind_sha256", sa.String(64)),  # the browser the ticket is bound to
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("idle_expires_at", TS, nullable=False),
        sa.Column("absolute_expires_at", TS, nullable=False),
        sa.Column("is_revoked", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("ended_at", TS),
        # sign_out, idle, absolute, password_changed, password_reset, disabled
        sa.Column("ended_reason", sa.String(32)),
        sa.UniqueConstraint("public_id", name="uq_auth_session_public_id"),
        sa.UniqueConstraint("token_sha256", name="uq_auth_session_token"),
        sa.UniqueConstraint("ticket_sha256", name="uq_auth_session_ticket"),
    )
    op.create_index("ix_auth_session_user", "auth_session", ["user_id", "is_revoked"])
    op.create_table(
        "auth_throttle",
        sa.Column("account_key", sa.String(64), primary_key=True),  # the name as typed
        sa.Column("client_key", sa.String(64), primary_key=True),  # SHA-256 of the client
        sa.Column("count_failed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_failed_at", TS, nullable=False),
        sa.Column("blocked_until", TS),
    )
    op.create_index("ix_auth_throttle_last", "auth_throttle", ["last_failed_at"])


def downgrade() -> None:
    op.drop_table("auth_throttle")
    op.drop_table("auth_session")
