"""Accounts, roles and scopes (admin only; every change audited with before and after).

Each function takes the acting user first and checks it against the ops DB as it is now
(``authz.require_role``). The change and its audit entry commit in one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import polars as pl
from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from dashboard.errors import Conflict, NotFound, ValidationFailed
from dashboard.identity import audit, authz, sessions
from dashboard.identity.auth import (
    User,
    generate_password,
    hash_password,
    normalize_username,
    now_utc,
    user_from_row,
)
from warehouse import ops
from warehouse.ops_schema import LANGUAGES, ROLES, user_provinces, users
from warehouse.settings import Settings

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{2,63}")
_PROVINCE = re.compile(r"\d{2}")
_BRANCH = re.compile(r"[0-9A-Za-z_-]{1,32}")
_POSTAL_REGION = re.compile(r"PR\d{2}")
_MAX_DISPLAY_NAME = 200
# Fields update_user accepts; username and password have their own paths.
_CHANGEABLE = frozenset(
    {
        "display_name",
        "role",
        "province_codes",
        "branch_code",
        "postal_region_code",
        "language",
        "sso_identity",
    }
)


def _clean_scope(
    role: str,
    province_codes: Iterable[str],
    branch_code: str | None,
    postal_region_code: str | None,
) -> tuple[tuple[str, ...], str | None, str | None]:
    """The scope a role needs, normalized; ValidationFailed naming what is wrong."""
    if role not in ROLES:
        raise ValidationFailed("accounts.role_unknown", role=role)
    provinces = tuple(sorted({str(p).strip() for p in province_codes or () if str(p).strip()}))
    branch = (branch_code or "").strip() or None
    region = (postal_region_code or "").strip().upper() or None
    for code in provinces:
        if not _PROVINCE.fullmatch(code):
            raise ValidationFailed("accounts.province_code_invalid", code=code)
    if branch and not _BRANCH.fullmatch(branch):
        raise ValidationFailed("accounts.branch_code_invalid", code=branch)
    if region and not _POSTAL_REGION.fullmatch(region):
        raise ValidationFailed("accounts.postal_region_invalid", code=region)
    if role == "provincial_officer":
        if not provinces or branch or region:
            raise ValidationFailed("accounts.scope_provinces_required")
    elif role == "branch_manager":
        if provinces or (branch is None) == (region is None):
            raise ValidationFailed("accounts.scope_branch_or_region_required")
    elif provinces or branch or region:
        raise ValidationFailed("accounts.scope_not_allowed", role=role)
    return provinces, branch, region


def _clean_display_name(name: str | None, username: str) -> str:
    name = (name or "").strip() or username
    if len(name) > _MAX_DISPLAY_NAME:
        raise ValidationFailed("accounts.display_name_too_long", max=_MAX_DISPLAY_NAME)
    return name


def _clean_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValidationFailed("auth.language_unknown", language=language)
    return language


def _clean_identity(identity: str | None) -> str | None:
    return normalize_username(identity or "") or None


def account_state(conn: Connection, user_id: int) -> dict[str, Any]:
    """What the audit log records of an account: everything but the password hash."""
    row = conn.execute(select(users).where(users.c.user_id == user_id)).first()
    if row is None:
        raise NotFound("accounts.user_not_found", user_id=user_id)
    state = {k: v for k, v in row._mapping.items() if k != "password_hash"}
    state["province_codes"] = list(user_from_row(conn, row).province_codes)
    return state


def set_provinces(conn: Connection, user_id: int, provinces: tuple[str, ...]) -> None:
    conn.execute(delete(user_provinces).where(user_provinces.c.user_id == user_id))
    if provinces:
        conn.execute(
            insert(user_provinces), [{"user_id": user_id, "province_code": p} for p in provinces]
        )


def _user(conn: Connection, user_id: int) -> User:
    row = conn.execute(select(users).where(users.c.user_id == user_id)).first()
    if row is None:
        raise NotFound("accounts.user_not_found", user_id=user_id)
    return user_from_row(conn, row)


def _active_admins(conn: Connection) -> int:
    query = select(func.count()).where(users.c.role == "admin", users.c.is_active.is_(True))
    return conn.execute(query).scalar_one()


def list_users(actor: User, settings: Settings | None = None) -> pl.DataFrame:
    """Every account, without password hashes, ordered by username."""
    authz.require_role(actor, "admin", settings=settings)
    with ops.read(ops.engine(settings)) as conn:
        rows = conn.execute(select(users).order_by(users.c.username)).all()
        provinces: dict[int, list[str]] = {}
        for user_id, code in conn.execute(
            select(user_provinces.c.user_id, user_provinces.c.province_code).order_by(
                user_provinces.c.user_id, user_provinces.c.province_code
            )
        ):
            provinces.setdefault(user_id, []).append(code)
    records = [
        {
            "user_id": r.user_id,
            "username": r.username,
            "display_name": r.display_name,
            "role": r.role,
            "province_codes": provinces.get(r.user_id, []),
            "branch_code": r.branch_code,
            "postal_region_code": r.postal_region_code,
            "sso_identity": r.sso_identity,
            "language": r.language,
            "is_active": bool(r.is_active),
            "must_change_password": bool(r.must_change_password),
            "count_failed_sign_ins": r.count_failed_sign_ins,
            "last_sign_in_at": r.last_sign_in_at,
            "created_at": r.created_at,
            "updated_at": r.updated_at,
        }
        for r in rows
    ]
    schema = {
        "user_id": pl.Int64,
        "username": pl.Utf8,
        "display_name": pl.Utf8,
        "role": pl.Utf8,
        "province_codes": pl.List(pl.Utf8),
        "branch_code": pl.Utf8,
        "postal_region_code": pl.Utf8,
        "sso_identity": pl.Utf8,
        "language": pl.Utf8,
        "is_active": pl.Boolean,
        "must_change_password": pl.Boolean,
        "count_failed_sign_ins": pl.Int64,
        "last_sign_in_at": pl.Datetime("us", "UTC"),
        "created_at": pl.Datetime("us", "UTC"),
        "updated_at": pl.Datetime("us", "UTC"),
    }
    return pl.DataFrame(records, schema=schema)


def get_user(actor: User, username: str, settings: Settings | None = None) -> User:
    """An account by username (admin only); NotFound when there is none."""
    authz.require_role(actor, "admin", settings=settings)
    with ops.read(ops.engine(settings)) as conn:
        row = conn.execute(
            select(users).where(users.c.username == normalize_username(username))
        ).first()
        if row is None:
            raise NotFound("accounts.user_not_found", username=username)
        return user_from_row(conn, row)


def insert_user(
    conn: Connection,
    actor: User,
    *,
    username: str,
    display_name: str,
    role: str,
    provinces: tuple[str, ...],
    branch: str | None,
    region: str | None,
    language: str,
    sso_identity: str | None,
    must_change_password: bool,
    session_id: str | None,
) -> tuple[User, str]:
    password = generate_password()
    now = now_utc()
    try:
        with conn.begin_nested():
            user_id = conn.execute(
                insert(users)
                .values(
                    username=username,
                    display_name=display_name,
                    role=role,
                    branch_code=branch,
                    postal_region_code=region,
                    sso_identity=sso_identity,
                    password_hash=hash_password(password),
                    must_change_password=must_change_password,
                    is_active=True,
                    language=language,
                    count_failed_sign_ins=0,
                    created_at=now,
                    updated_at=now,
                )
                .returning(users.c.user_id)
            ).scalar_one()
    except IntegrityError:
        raise Conflict("accounts.username_taken", username=username) from None
    set_provinces(conn, user_id, provinces)
    audit.append(
        conn,
        actor=actor,
        action="user.created",
        entity="user",
        entity_id=str(user_id),
        before=None,
        after=account_state(conn, user_id),
        session_id=session_id,
    )
    return _user(conn, user_id), password


def create_user(
    actor: User,
    *,
    username: str,
    display_name: str,
    role: str,
    province_codes: Iterable[str] = (),
    branch_code: str | None = None,
    postal_region_code: str | None = None,
    language: str = "th",
    sso_identity: str | None = None,
    session_id: str | None = None,
    settings: Settings | None = None,
) -> tuple[User, str]:
    """A new active account and its one-time password (to be changed at first sign-in)."""
    actor = authz.require_role(actor, "admin", settings=settings)
    name = normalize_username(username)
    if not _USERNAME.fullmatch(name):
        raise ValidationFailed("accounts.username_invalid", username=username)
    provinces, branch, region = _clean_scope(role, province_codes, branch_code, postal_region_code)
    with ops.write(ops.engine(settings)) as conn:
        return insert_user(
            conn,
            actor,
            username=name,
            display_name=_clean_display_name(display_name, name),
            role=role,
            provinces=provinces,
            branch=branch,
            region=region,
            language=_clean_language(language),
            sso_identity=_clean_identity(sso_identity),
            must_change_password=True,
            session_id=session_id,
        )


def update_user(
    actor: User,
    user_id: int,
    *,
    session_id: str | None = None,
    settings: Settings | None = None,
    **changes: Any,
) -> User:
    """Change display name, role, scope, language or SSO identity of an account.

    Role and scope are validated together after the change; the last active admin
    cannot lose the admin role (``accounts.last_admin``).
    """
    actor = authz.require_role(actor, "admin", settings=settings)
    unknown = set(changes) - _CHANGEABLE
    if unknown:
        raise ValidationFailed("accounts.field_unknown", field=sorted(unknown)[0])
    with ops.write(ops.engine(settings)) as conn:
        before = account_state(conn, user_id)
        role = changes.get("role", before["role"])
        # A new role starts from an empty scope unless the change gives one.
        keep = role == before["role"]
        provinces, branch, region = _clean_scope(
            role,
            changes.get("province_codes", before["province_codes"] if keep else ()),
            changes.get("branch_code", before["branch_code"] if keep else None),
            changes.get("postal_region_code", before["postal_region_code"] if keep else None),
        )
        if before["role"] == "admin" and role != "admin" and before["is_active"]:
            if _active_admins(conn) <= 1:
                raise Conflict("accounts.last_admin")
        values: dict[str, Any] = {
            "role": role,
            "branch_code": branch,
            "postal_region_code": region,
            "updated_at": now_utc(),
        }
        if "display_name" in changes:
            values["display_name"] = _clean_display_name(
                changes["display_name"], before["username"]
            )
        if "language" in changes:
            values["language"] = _clean_language(changes["language"])
        if "sso_identity" in changes:
            values["sso_identity"] = _clean_identity(changes["sso_identity"])
        try:
            with conn.begin_nested():
                conn.execute(update(users).where(users.c.user_id == user_id).values(**values))
        except IntegrityError:
            raise Conflict("accounts.sso_identity_taken") from None
        set_provinces(conn, user_id, provinces)
        after = account_state(conn, user_id)
        changed = {k for k in after if k != "updated_at" and after[k] != before[k]}
        if changed:
            audit.append(
                conn,
                actor=actor,
                action="user.updated",
                entity="user",
                entity_id=str(user_id),
                before={k: before[k] for k in changed},
                after={k: after[k] for k in changed},
                session_id=session_id,
            )
        return _user(conn, user_id)


def set_active(
    actor: User,
    user_id: int,
    active: bool,
    *,
    session_id: str | None = None,
    settings: Settings | None = None,
) -> User:
    """Enable or disable an account. Disabling ends every session of the account: each of
    its open tabs falls back to the sign-in screen at its next click."""
    actor = authz.require_role(actor, "admin", settings=settings)
    with ops.write(ops.engine(settings)) as conn:
        before = account_state(conn, user_id)
        if not active and user_id == actor.user_id:
            raise Conflict("accounts.cannot_disable_self")
        if not active and before["role"] == "admin" and before["is_active"]:
            if _active_admins(conn) <= 1:
                raise Conflict("accounts.last_admin")
        values: dict[str, Any] = {"is_active": active, "updated_at": now_utc()}
        if active:
            values.update(count_failed_sign_ins=0)
        conn.execute(update(users).where(users.c.user_id == user_id).values(**values))
        if not active:
            sessions.revoke_all(conn, user_id, "disabled", actor=actor, session_id=session_id)
        if bool(before["is_active"]) != active:
            audit.append(
                conn,
                actor=actor,
                action="user.enabled" if active else "user.disabled",
                entity="user",
                entity_id=str(user_id),
                before={"is_active": bool(before["is_active"])},
                after={"is_active": active},
                session_id=session_id,
            )
        return _user(conn, user_id)


def reset_credentials(
    conn: Connection,
    actor: User,
    user_id: int,
    *,
    must_change_password: bool,
    session_id: str | None,
) -> str:
    account_state(conn, user_id)  # NotFound for an unknown id
    password = generate_password()
    now = now_utc()
    conn.execute(
        update(users)
        .where(users.c.user_id == user_id)
        .values(
            password_hash=hash_password(password),
            must_change_password=must_change_password,
            count_failed_sign_ins=0,
            password_changed_at=now,
            updated_at=now,
        )
    )
    audit.append(
        conn,
        actor=actor,
        action="user.password_reset",
        entity="user",
        entity_id=str(user_id),
        before=None,
        after={"must_change_password": must_change_password},
        session_id=session_id,
    )
    # The old password's sessions end with it.
    sessions.revoke_all(conn, user_id, "password_reset", actor=actor, session_id=session_id)
    return password


def reset_password(
    actor: User, user_id: int, *, session_id: str | None = None, settings: Settings | None = None
) -> str:
    """A new one-time password; every session of the account ends."""
    actor = authz.require_role(actor, "admin", settings=settings)
    with ops.write(ops.engine(settings)) as conn:
        return reset_credentials(
            conn, actor, user_id, must_change_password=True, session_id=session_id
        )
