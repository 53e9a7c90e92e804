"""Server-side sign-in sessions (OWASP ASVS V3, session management).

A session is a row of ``auth_session``. The browser holds its token only in an
``HttpOnly`` cookie that the server sets (``dashboard.ui.server``); the row keeps the
token's SHA-256, never the token. Every script run checks the row: idle expiry
(``session_idle_minutes``), absolute expiry (``session_absolute_hours``), revocation.

How a sign-in reaches the cookie without the token ever passing through the page:

1. the password (or the identity provider) is checked in the Streamlit script, which
   starts a session: a new row, and — when the browser has its binding cookie — a
   one-time *ticket* (128+ bits, stored hashed, valid for ``TICKET_TTL_S``, bound to that
   browser's binding cookie);
2. the script sends the browser to ``/auth/session?ticket=…``; that route redeems the
   ticket once (``redeem``): a conditional update that only the bound browser, within the
   minute, for a ticket never used before, can win; only then is the token made, and it
   goes out in ``Set-Cookie`` alone.

A forged ticket, a replayed one, or one taken to another browser (login CSRF) redeems
nothing. A new token is made at every sign-in, so a token planted before it is worthless
(no fixation). The tab that signed in also keeps the session's public id, so a browser
without cookies (or AppTest) still has a real, revocable, expiring session.

Revoking — sign-out, a password change or reset, disabling the account — marks rows
revoked; each open tab falls back to the sign-in screen at its next interaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from dashboard.identity import audit
from dashboard.identity.user import User, user_from_row
from warehouse import ops
from warehouse.ops_schema import auth_session, users
from warehouse.settings import Settings, load_settings

# 32 random bytes (256 bits) for tokens and tickets; ASVS asks for at least 128.
TOKEN_BYTES = 32
# A ticket is redeemed by the browser's redirect right after sign-in: a minute is ample.
TICKET_TTL_S = 60
# last_seen is written at most this often: every click would otherwise be a write, and the
# idle timeout is measured in minutes.
TOUCH_EVERY_S = 30

# Why a session ended, as the tab explains it (catalog keys).
ENDED_MESSAGES = {
    "sign_out": "auth.signed_out",
    "idle": "auth.session_expired",
    "absolute": "auth.session_expired_absolute",
    "password_changed": "auth.session_revoked",
    "password_reset": "auth.session_revoked",
    "disabled": "auth.session_revoked",
    "revoked": "auth.session_revoked",
}


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def digest(secret: str) -> str:
    """SHA-256 hex of a token, ticket or binding value: what the database keeps."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


@dataclass(frozen=True)
class Started:
    public_id: str
    # The one-time ticket for the cookie route; None when the browser has no binding cookie.
    ticket: str | None


@dataclass(frozen=True)
class Checked:
    """A session check: the user when the session is valid, else why it is not."""

    user: User | None
    public_id: str | None = None
    ended_reason: str | None = None  # see ENDED_MESSAGES; None: no session at all


def _limits(settings: Settings, now: dt.datetime) -> dict[str, dt.datetime]:
    return {
        "idle_expires_at": now + dt.timedelta(minutes=settings.session_idle_minutes),
        "absolute_expires_at": now + dt.timedelta(hours=settings.session_absolute_hours),
    }


def start(
    user: User,
    *,
    method: str,
    bind: str | None = None,
    settings: Settings | None = None,
) -> Started:
    """A new session for ``user`` (just authenticated) and, for a browser with its binding
    cookie, the ticket that collects the session cookie. Audited."""
    settings = settings or load_settings()
    now = now_utc()
    public_id = secrets.token_hex(16)
    ticket = new_secret() if bind else None
    with ops.write(ops.engine(settings)) as conn:
        conn.execute(
            auth_session.insert().values(
                public_id=public_id,
                user_id=user.user_id,
                method=method,
                ticket_sha256=digest(ticket) if ticket else None,
                ticket_expires_at=now + dt.timedelta(seconds=TICKET_TTL_S) if ticket else None,
                bind_sha256=digest(bind) if bind else None,
                created_at=now,
                last_seen_at=now,
                is_revoked=False,
                **_limits(settings, now),
            )
        )
        audit.append(
            conn,
            actor=user,
            action="auth.session_started",
            entity="auth_session",
            entity_id=public_id,
            before=None,
            after={"method": method, "cookie": ticket is not None},
            session_id=public_id,
        )
    return Started(public_id, ticket)


def redeem(ticket: str, bind: str | None, *, settings: Settings | None = None) -> str | None:
    """The session token for a valid ticket from the browser it is bound to; None for a
    forged, replayed, expired or misdirected one (the refusal is audited). The token
    exists only in the return value: the caller puts it in ``Set-Cookie``."""
    settings = settings or load_settings()
    now = now_utc()
    token = new_secret()
    with ops.write(ops.engine(settings)) as conn:
        won = conn.execute(
            update(auth_session)
            .where(
                auth_session.c.ticket_sha256 == digest(ticket),
                auth_session.c.bind_sha256 == digest(bind or ""),
                auth_session.c.ticket_expires_at > now,
                auth_session.c.token_sha256.is_(None),
                auth_session.c.is_revoked.is_(False),
            )
            .values(token_sha256=digest(token), ticket_sha256=None, ticket_expires_at=None)
        )
        if won.rowcount == 1:
            return token
        audit.append(
            conn,
            actor=None,
            username=None,
            action="auth.ticket_refused",
            entity="auth_session",
            entity_id=None,
            before=None,
            after={"reason": "unknown, used, expired or another browser"},
            session_id=None,
        )
    return None


def _row(conn: Connection, *, public_id: str | None, token: str | None) -> Any:
    query = select(auth_session, users).join(users, users.c.user_id == auth_session.c.user_id)
    if public_id is not None:
        query = query.where(auth_session.c.public_id == public_id)
    else:
        query = query.where(auth_session.c.token_sha256 == digest(token or ""))
    return conn.execute(query).first()


def _end(conn: Connection, row: Any, reason: str, now: dt.datetime) -> None:
    conn.execute(
        update(auth_session)
        .where(auth_session.c.session_id == row.session_id, auth_session.c.ended_at.is_(None))
        .values(is_revoked=True, ended_at=now, ended_reason=reason)
    )


def check(
    *,
    public_id: str | None = None,
    token: str | None = None,
    settings: Settings | None = None,
) -> Checked:
    """The session's user now, by the tab's public id or the cookie's token.

    An expired session is ended here (and its expiry audited); a revoked one, or one whose
    account was disabled, answers with its reason. A valid one has its idle clock reset.
    """
    if public_id is None and not token:
        return Checked(None)
    settings = settings or load_settings()
    now = now_utc()
    eng = ops.engine(settings)
    with ops.read(eng) as conn:
        row = _row(conn, public_id=public_id, token=token)
        user = user_from_row(conn, row) if row is not None else None
    if row is None:
        return Checked(None)
    if row.is_revoked or not row.is_active:
        return Checked(None, row.public_id, row.ended_reason or "revoked")
    expired = (
        "absolute"
        if now >= row.absolute_expires_at
        else "idle"
        if now >= row.idle_expires_at
        else None
    )
    if expired:
        with ops.write(eng) as conn:
            _end(conn, row, expired, now)
            audit.append(
                conn,
                actor=user,
                action="auth.session_expired",
                entity="auth_session",
                entity_id=row.public_id,
                before=None,
                after={"reason": expired},
                session_id=row.public_id,
            )
        return Checked(None, row.public_id, expired)
    if (now - row.last_seen_at).total_seconds() >= TOUCH_EVERY_S:
        with ops.write(eng) as conn:
            conn.execute(
                update(auth_session)
                .where(auth_session.c.session_id == row.session_id)
                .values(
                    last_seen_at=now,
                    idle_expires_at=min(
                        now + dt.timedelta(minutes=settings.session_idle_minutes),
                        row.absolute_expires_at,
                    ),
                )
            )
    return Checked(user, row.public_id)


def end(public_id: str, *, settings: Settings | None = None) -> None:
    """Sign out: the session ends in every tab that shares it. Audited."""
    settings = settings or load_settings()
    now = now_utc()
    with ops.write(ops.engine(settings)) as conn:
        row = _row(conn, public_id=public_id, token=None)
        if row is None or row.ended_at is not None:
            return
        _end(conn, row, "sign_out", now)
        audit.append(
            conn,
            actor=user_from_row(conn, row),
            action="auth.sign_out",
            entity="auth_session",
            entity_id=public_id,
            before=None,
            after=None,
            session_id=public_id,
        )


def revoke_all(
    conn: Connection,
    user_id: int,
    reason: str,
    *,
    actor: User | None,
    session_id: str | None,
) -> int:
    """End every open session of the user, inside the caller's write transaction (the
    password change, reset or disabling that calls for it); audited with the count."""
    now = now_utc()
    result = conn.execute(
        update(auth_session)
        .where(auth_session.c.user_id == user_id, auth_session.c.ended_at.is_(None))
        .values(is_revoked=True, ended_at=now, ended_reason=reason)
    )
    if result.rowcount:
        audit.append(
            conn,
            actor=actor,
            action="auth.session_revoked",
            entity="user",
            entity_id=str(user_id),
            before=None,
            after={"reason": reason, "count_sessions": result.rowcount},
            session_id=session_id,
        )
    return result.rowcount or 0
