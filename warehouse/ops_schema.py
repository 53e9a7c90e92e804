"""The ops DB tables as SQLAlchemy Core, at the latest migration.

The migrations in ``warehouse/migrations/ops/versions`` create these tables; this module is
what the services query with. Every timestamp is stored in UTC (``UTCDateTime``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator

ROLES = ("ministry", "provincial_officer", "branch_manager", "payments_officer", "admin")
LANGUAGES = ("th", "en")
# prev_hash of the first audit entry.
GENESIS_HASH = "0" * 64


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out; stored as UTC on every engine.

    PostgreSQL gets ``timestamptz``; SQLite has no time zones, so the UTC wall time is
    stored naive and given back its UTC zone when read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


metadata = MetaData()

# One row per account. Scope: provinces (user_provinces), a branch, or a postal region.
users = Table(
    "users",
    metadata,
    Column("user_id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("role", String(32), nullable=False),
    Column("branch_code", String(32)),
    Column("postal_region_code", String(8)),
    Column("sso_identity", String(320), unique=True),
    Column("password_hash", String(255)),
    Column("must_change_password", Boolean, nullable=False, default=False),
    Column("is_active", Boolean, nullable=False, default=True),
    Column("language", String(2), nullable=False, default="th"),
    Column("last_sign_in_at", UTCDateTime),
    Column("count_failed_sign_ins", Integer, nullable=False, default=0),
    Column("locked_until", UTCDateTime),
    Column("password_changed_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# One row per province a provincial officer covers.
user_provinces = Table(
    "user_provinces",
    metadata,
    Column(
        "user_id",
        Integer,
        ForeignKey("users.user_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("province_code", String(2), primary_key=True),
)

# Append-only, hash-chained. ``id`` is assigned under the chain lock (head.last_id + 1), so
# ids have no gaps and a deleted entry shows as a missing id.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime, nullable=False),
    Column("username", String(320)),
    Column("role", String(32)),
    Column("action", String(64), nullable=False),
    Column("entity", String(64), nullable=False),
    Column("entity_id", String(200)),
    Column("before_json", Text),
    Column("after_json", Text),
    Column("session_id", String(128)),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
)

# Exactly one row (id = 1): the newest entry of the chain. Appenders lock it, so appends
# are serialized on PostgreSQL too, and truncating the log's tail is detectable.
audit_chain_head = Table(
    "audit_chain_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_id", BigInteger, nullable=False),
    Column("last_hash", String(64), nullable=False),
)

# One row per sign-in session (see migration 0003). The cookie's token and the one-time
# ticket are stored only as SHA-256 hex.
auth_session = Table(
    "auth_session",
    metadata,
    Column("session_id", Integer, primary_key=True, autoincrement=True),
    Column("public_id", String(32), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.user_id", ondelete="CASCADE"), nullable=False),
    Column("method", String(16), nullable=False),
    Column("token_sha256", String(64), unique=True),
    Column("ticket_sha256", String(64), unique=True),
    Column("ticket_expires_at", UTCDateTime),
    Column("bind_sha256", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("idle_expires_at", UTCDateTime, nullable=False),
    Column("absolute_expires_at", UTCDateTime, nullable=False),
    Column("is_revoked", Boolean, nullable=False, default=False),
    Column("ended_at", UTCDateTime),
    Column("ended_reason", String(32)),
)

# Failed sign-ins per (name as typed, client): a block here stops only that client.
auth_throttle = Table(
    "auth_throttle",
    metadata,
    Column("account_key", String(64), primary_key=True),
    Column("client_key", String(64), primary_key=True),
    Column("count_failed", Integer, nullable=False, default=0),
    Column("last_failed_at", UTCDateTime, nullable=False),
    Column("blocked_until", UTCDateTime),
)
