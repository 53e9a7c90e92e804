"""Sign-in, sign-out, idle expiry, password and language of the signed-in user.

Passwords are hashed with Argon2id (argon2-cffi defaults, RFC 9106 low-memory profile).
Every failure says the same thing (``auth.sign_in_failed``): unknown user, wrong password
and disabled account look alike. Five failures in a row lock an account for 15 minutes;
while locked even the right password is refused with ``auth.account_locked``. That lock
exists only for real accounts, so a patient prober could learn that a name exists after
five tries; the audit log shows such probing.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from dataclasses import replace
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, select, update

from dashboard.errors import AppError, NotSignedIn, ValidationFailed
from dashboard.identity import audit
from dashboard.identity.user import User, user_from_row
from warehouse import ops
from warehouse.ops_schema import LANGUAGES, users
from warehouse.settings import Settings, load_settings

MAX_FAILED_SIGN_INS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 10
# Generated passwords: no 0/O, 1/l/I, so they can be read out over the phone.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_PASSWORD_GROUPS = 4

_hasher = PasswordHasher()


@cache
def _dummy_hash(profile: tuple[int, int, int]) -> str:
    """A hash verified against when the account does not exist, so that answer takes as
    long as a wrong password. Made on first use (hashing is slow on purpose), once per
    hasher profile."""
    return _hasher.hash(secrets.token_urlsafe(16))


class SignInFailed(AppError):
    key = "auth.sign_in_failed"


class AccountLocked(AppError):
    key = "auth.account_locked"


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


def _locked_minutes(locked_until: dt.datetime | None, now: dt.datetime) -> int | None:
    if locked_until is None or locked_until <= now:
        return None
    return max(1, math.ceil((locked_until - now).total_seconds() / 60))


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


def sign_in(
    username: str, password: str, *, session_id: str, settings: Settings | None = None
) -> User:
    """The account for these credentials; raises SignInFailed or AccountLocked.

    The password is checked outside any transaction (Argon2 is deliberately slow), then
    the outcome is written under the write lock against the row as it is by then, so
    concurrent wrong attempts all count.
    """
    name = normalize_username(username)
    eng = ops.engine(settings)
    now = now_utc()
    with ops.read(eng) as conn:
        row = conn.execute(select(users).where(users.c.username == name)).first()
    locked = row is not None and _locked_minutes(row.locked_until, now) is not None
    password_ok = False if locked else _verify(row.password_hash if row else None, password)

    error: AppError | None = None
    with ops.write(eng) as conn:
        row = conn.execute(select(users).where(users.c.username == name).with_for_update()).first()
        if row is None or not row.is_active or row.password_hash is None:
            reason = "unknown_user" if row is None else "inactive"
            _fail(conn, name, session_id, reason, row)
            error = SignInFailed()
        elif (minutes := _locked_minutes(row.locked_until, now)) is not None:
            _fail(conn, name, session_id, "locked", row)
            error = AccountLocked(minutes=minutes)
        elif not password_ok:
            # A lock that has run out starts a fresh count.
            previous = 0 if row.locked_until is not None else row.count_failed_sign_ins
            failed = previous + 1
            lock = failed >= MAX_FAILED_SIGN_INS
            conn.execute(
                update(users)
                .where(users.c.user_id == row.user_id)
                .values(
                    count_failed_sign_ins=failed,
                    locked_until=now + dt.timedelta(minutes=LOCK_MINUTES) if lock else None,
                )
            )
            _fail(conn, name, session_id, "wrong_password", row, count_failed=failed, locked=lock)
            error = SignInFailed()
        else:
            values: dict[str, Any] = {
                "count_failed_sign_ins": 0,
                "locked_until": None,
                "last_sign_in_at": now,
            }
            if _hasher.check_needs_rehash(row.password_hash):
                values["password_hash"] = hash_password(password)
            conn.execute(update(users).where(users.c.user_id == row.user_id).values(**values))
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
    if error is not None:
        raise error
    return user


def sign_out(user: User, *, session_id: str, settings: Settings | None = None) -> None:
    audit.record(
        actor=user,
        action="auth.sign_out",
        entity="user",
        entity_id=str(user.user_id),
        before=None,
        after=None,
        session_id=session_id,
        settings=settings,
    )


def session_expired(
    last_activity: dt.datetime, now: dt.datetime, settings: Settings | None = None
) -> bool:
    """True when more than ``session_idle_minutes`` passed since the last activity."""
    idle = dt.timedelta(minutes=(settings or load_settings()).session_idle_minutes)
    return now - last_activity > idle


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
