"""Sign-in, password and language of the signed-in user. Sessions: ``identity.sessions``.

Passwords are hashed with Argon2id (argon2-cffi defaults, RFC 9106 low-memory profile).
Every failure says the same thing (``auth.sign_in_failed``): unknown user, wrong password,
disabled account and a throttled client look alike, so no answer tells which usernames
exist.

Guessing is throttled per account *and client* (``auth_throttle``), never by locking the
account: after ``MAX_FAILED_SIGN_INS`` failures in a row one client (its address and its
browser) gets the generic failure for that name, right password or not, for
``BLOCK_MINUTES``; the account's owner on another browser still signs in. Guessing spread
over many clients meets a per-account delay that grows with the recent failures
(``delay_s``), which slows it without locking anyone out. Unknown names are throttled the
same way. Every attempt is in the audit log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from dataclasses import replace
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, func, select, update

from dashboard.errors import AppError, NotSignedIn, ValidationFailed
from dashboard.identity import audit, sessions
from dashboard.identity.user import User, user_from_row
from warehouse import ops
from warehouse.ops_schema import LANGUAGES, auth_throttle, users
from warehouse.settings import Settings

# One client's failures in a row at one name before it is blocked there, and for how long.
MAX_FAILED_SIGN_INS = 5
BLOCK_MINUTES = 15
# Failures at one name (all clients, within BLOCK_MINUTES) before answers slow down.
ACCOUNT_FREE_FAILURES = 10
MAX_DELAY_S = 8.0
# The throttle keys a name by its first characters (the username column's length).
ACCOUNT_KEY_LENGTH = 64
MIN_PASSWORD_LENGTH = 10
# Generated passwords: no 0/O, 1/l/I, so they can be read out over the phone.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_PASSWORD_GROUPS = 4

_hasher = PasswordHasher()


def use_hasher(hasher: PasswordHasher) -> PasswordHasher:
    """Hash new passwords with ``hasher`` from now on; returns the one it replaces.

    For the test suite, which makes thousands of accounts: a cheap profile there keeps
    the run short while a test checks the real profile. Verifying reads the parameters
    from each stored hash, so hashes of either profile verify.
    """
    global _hasher
    previous, _hasher = _hasher, hasher
    return previous


@cache
def _dummy_hash(profile: tuple[int, int, int]) -> str:
    """A hash verified against when the account does not exist, so that answer takes as
    long as a wrong password. Made on first use (hashing is slow on purpose), once per
    hasher profile."""
    return _hasher.hash(secrets.token_urlsafe(16))


class SignInFailed(AppError):
    key = "auth.sign_in_failed"


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def generate_password() -> str:
    """A one-time password like ``k7qm-x2pd-9fhw-3rtn`` (about 79 bits)."""
    groups = (
        "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(4))
        for _ in range(_PASSWORD_GROUPS)
    )
    return "-".join(groups)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        profile = (_hasher.time_cost, _hasher.memory_cost, _hasher.parallelism)
        stored = password_hash or _dummy_hash(profile)
        return _hasher.verify(stored, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def normalize_username(username: str) -> str:
    return (username or "").strip().lower()


def _fail(
    conn: Connection,
    username: str,
    session_id: str | None,
    reason: str,
    row: Any = None,
    **extra: Any,
) -> None:
    audit.append(
        conn,
        actor=None,
        username=username,
        action="auth.sign_in_failed",
        entity="user",
        entity_id=None if row is None else str(row.user_id),
        before=None,
        after={"reason": reason, **extra},
        session_id=session_id,
    )


def delay_s(recent_failures: int) -> float:
    """Seconds to wait before answering an attempt at a name with this many failures in the
    last ``BLOCK_MINUTES`` across all clients: none up to ``ACCOUNT_FREE_FAILURES``, then
    doubling from half a second, at most ``MAX_DELAY_S``."""
    over = recent_failures - ACCOUNT_FREE_FAILURES
    return 0.0 if over < 0 else min(MAX_DELAY_S, 0.5 * 2**over)


def _throttle(conn: Connection, account: str, client: str, now: dt.datetime) -> tuple[bool, int]:
    """(this client is blocked for this name, failures at this name by anyone lately)."""
    since = now - dt.timedelta(minutes=BLOCK_MINUTES)
    mine = conn.execute(
        select(auth_throttle.c.blocked_until).where(
            auth_throttle.c.account_key == account, auth_throttle.c.client_key == client
        )
    ).scalar_one_or_none()
    recent = conn.execute(
        select(func.coalesce(func.sum(auth_throttle.c.count_failed), 0)).where(
            auth_throttle.c.account_key == account, auth_throttle.c.last_failed_at > since
        )
    ).scalar_one()
    return mine is not None and mine > now, int(recent)


def _count_failure(conn: Connection, account: str, client: str, now: dt.datetime) -> int:
    """One more failure of this client at this name; returns its consecutive count."""
    row = conn.execute(
        select(auth_throttle.c.count_failed, auth_throttle.c.last_failed_at)
        .where(auth_throttle.c.account_key == account, auth_throttle.c.client_key == client)
        .with_for_update()
    ).first()
    # A run of failures older than the block starts over.
    stale = row is None or row.last_failed_at <= now - dt.timedelta(minutes=BLOCK_MINUTES)
    count = 1 if stale else row.count_failed + 1
    values = {
        "count_failed": count,
        "last_failed_at": now,
        "blocked_until": (
            now + dt.timedelta(minutes=BLOCK_MINUTES) if count >= MAX_FAILED_SIGN_INS else None
        ),
    }
    if row is None:
        conn.execute(
            auth_throttle.insert().values(account_key=account, client_key=client, **values)
        )
    else:
        conn.execute(
            update(auth_throttle)
            .where(auth_throttle.c.account_key == account, auth_throttle.c.client_key == client)
            .values(**values)
        )
    # Old rows (a day without failures) go, so names typed at random do not pile up.
    conn.execute(
        delete(auth_throttle).where(auth_throttle.c.last_failed_at < now - dt.timedelta(days=1))
    )
    return count


def client_key(address: str | None, browser: str | None) -> str:
    """The throttle's name for a client: its network address and its browser's binding
    cookie, hashed (neither is stored as such)."""
    return hashlib.sha256(f"{address or 'local'}|{browser or ''}".encode()).hexdigest()


def sign_in(
    username: str,
    password: str,
    *,
    session_id: str | None,
    client: str = "",
    settings: Settings | None = None,
) -> User:
    """The account for these credentials; raises SignInFailed (one answer for every
    failure). ``client`` is ``client_key(...)`` of the browser trying.

    The password is checked outside any transaction (Argon2 is deliberately slow), then
    the outcome is written under the write lock against the row as it is by then, so
    concurrent wrong attempts all count.
    """
    name = normalize_username(username)
    account = name[:ACCOUNT_KEY_LENGTH]
    client = client or client_key(None, None)
    eng = ops.engine(settings)
    now = now_utc()
    with ops.read(eng) as conn:
        row = conn.execute(select(users).where(users.c.username == name)).first()
        blocked, recent = _throttle(conn, account, client, now)
    if (pause := delay_s(recent)) > 0:
        time.sleep(pause)
    password_ok = False if blocked else _verify(row.password_hash if row else None, password)

    failed: str | None = None
    with ops.write(eng) as conn:
        row = conn.execute(select(users).where(users.c.username == name).with_for_update()).first()
        if blocked:
            failed = "throttled"
        elif row is None or not row.is_active or row.password_hash is None:
            failed = "unknown_user" if row is None else "inactive"
        elif not password_ok:
            failed = "wrong_password"
            conn.execute(
                update(users)
                .where(users.c.user_id == row.user_id)
                .values(count_failed_sign_ins=row.count_failed_sign_ins + 1)
            )
        if failed:
            count = _count_failure(conn, account, client, now)
            _fail(conn, name, session_id, failed, row, count_failed=count)
        else:
            values: dict[str, Any] = {"count_failed_sign_ins": 0, "last_sign_in_at": now}
            if _hasher.check_needs_rehash(row.password_hash):
                values["password_hash"] = hash_password(password)
            conn.execute(update(users).where(users.c.user_id == row.user_id).values(**values))
            conn.execute(
                delete(auth_throttle).where(
                    auth_throttle.c.account_key == account, auth_throttle.c.client_key == client
                )
            )
            user = user_from_row(conn, row)
            audit.append(
                conn,
                actor=user,
                action="auth.sign_in",
                entity="user",
                entity_id=str(user.user_id),
                before=None,
                after={"method": "password"},
                session_id=session_id,
            )
    # Raised after the commit: the failure count and its audit entry must be kept.
    if failed:
        raise SignInFailed()
    return user


def _active_row(conn: Connection, user: User) -> Any:
    row = conn.execute(
        select(users)
        .where(users.c.user_id == user.user_id, users.c.is_active.is_(True))
        .with_for_update()
    ).first()
    if row is None:
        raise NotSignedIn()
    return row


def check_new_password(new: str, *, old: str | None = None, username: str = "") -> None:
    if len(new) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed("auth.password_too_short", min=MIN_PASSWORD_LENGTH)
    if old is not None and new == old:
        raise ValidationFailed("auth.password_unchanged")
    if username and new.strip().lower() == username:
        raise ValidationFailed("auth.password_is_username")


def change_password(
    user: User, old: str, new: str, *, session_id: str, settings: Settings | None = None
) -> None:
    """Set a new password after checking the current one (``auth.old_password_wrong``)."""
    check_new_password(new, old=old, username=user.username)
    eng = ops.engine(settings)
    with ops.read(eng) as conn:
        row = conn.execute(select(users.c.password_hash).where(users.c.user_id == user.user_id))
        current_hash = row.scalar_one_or_none()
    if not _verify(current_hash, old):
        raise ValidationFailed("auth.old_password_wrong")
    now = now_utc()
    with ops.write(eng) as conn:
        _active_row(conn, user)
        conn.execute(
            update(users)
            .where(users.c.user_id == user.user_id)
            .values(
                password_hash=hash_password(new),
                must_change_password=False,
                password_changed_at=now,
                updated_at=now,
            )
        )
        audit.append(
            conn,
            actor=user,
            action="auth.password_changed",
            entity="user",
            entity_id=str(user.user_id),
            before=None,
            after=None,
            session_id=session_id,
        )
        # Every session of the account ends, this one too: whoever held one with the old
        # password signs in again with the new.
        sessions.revoke_all(
            conn, user.user_id, "password_changed", actor=user, session_id=session_id
        )


def set_language(
    user: User, language: str, *, session_id: str, settings: Settings | None = None
) -> User:
    """Persist the user's language ("th" or "en") and return the updated user."""
    if language not in LANGUAGES:
        raise ValidationFailed("auth.language_unknown", language=language)
    with ops.write(ops.engine(settings)) as conn:
        row = _active_row(conn, user)
        if row.language != language:
            conn.execute(
                update(users)
                .where(users.c.user_id == user.user_id)
                .values(language=language, updated_at=now_utc())
            )
            audit.append(
                conn,
                actor=user,
                action="auth.language_changed",
                entity="user",
                entity_id=str(user.user_id),
                before={"language": row.language},
                after={"language": language},
                session_id=session_id,
            )
    return replace(user, language=language)


def user_for_identity(
    email_or_subject: str, *, session_id: str | None = None, settings: Settings | None = None
) -> User:
    """The active account whose ``sso_identity`` is this OIDC email or subject.

    Used after ``st.login``: the identity provider vouches for the person; the account
    decides role and scope. Raises SignInFailed when no active account matches.
    """
    identity = normalize_username(email_or_subject)
    now = now_utc()
    with ops.write(ops.engine(settings)) as conn:
        row = None
        if identity:
            row = conn.execute(
                select(users).where(users.c.sso_identity == identity).with_for_update()
            ).first()
        if row is None or not row.is_active:
            reason = "unknown_identity" if row is None else "inactive"
            _fail(conn, identity, session_id, reason, row, method="oidc")
            user = None
        else:
            conn.execute(
                update(users).where(users.c.user_id == row.user_id).values(last_sign_in_at=now)
            )
            user = user_from_row(conn, row)
            audit.append(
                conn,
                actor=user,
                action="auth.sign_in",
                entity="user",
                entity_id=str(user.user_id),
                before=None,
                after={"method": "oidc"},
                session_id=session_id,
            )
    if user is None:
        raise SignInFailed()
    return user
