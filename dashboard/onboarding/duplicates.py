"""Duplicate detection across provinces: same ID, bank account or phone elsewhere.

A match against another application is flagged on *both* applications, each flag
pointing at the other record; a match against a seller already in the lake is flagged on
the application. An open flag blocks approval until the officer resolves it: confirm the
two are distinct, or reject this application as a duplicate.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import polars as pl
from sqlalchemy import Connection, and_, select, update
from sqlalchemy.orm import aliased

from dashboard.errors import NotFound, ValidationFailed
from dashboard.identity import audit
from dashboard.identity.user import User
from dashboard.onboarding import scope, store, workflow
from warehouse import limits
from warehouse.ops_schema_onboarding import ob_application, ob_duplicate_flag

log = logging.getLogger(__name__)

MATCH_FIELDS = ("national_id", "juristic_id", "bank_account", "phone")
RESOLUTIONS = ("distinct", "duplicate")


def _pairs_in_ops(conn: Connection, ids: Sequence[str]) -> list[dict[str, Any]]:
    """Every (application, other application, field) sharing a value, for the given ids."""
    a = ob_application.alias("a")
    b = ob_application.alias("b")
    found: list[dict[str, Any]] = []
    plain = {
        "national_id": (a.c.national_id, b.c.national_id),
        "juristic_id": (a.c.juristic_id, b.c.juristic_id),
        "phone": (a.c.phone, b.c.phone),
    }
    for part in store.chunks(list(ids)):
        for field, (left, right) in plain.items():
            stmt = (
                select(a.c.application_id, b.c.application_id, b.c.province_code, left)
                .join(b, and_(left == right, a.c.application_id != b.c.application_id))
                .where(a.c.application_id.in_(part), left.is_not(None), left != "")
            )
            for app_id, other_id, other_prov, value in conn.execute(stmt):
                found.append(
                    {
                        "application_id": app_id,
                        "other_id": other_id,
                        "other_province_code": other_prov,
                        "match_field": field,
                        "match_value": value,
                    }
                )
        stmt = (
            select(
                a.c.application_id,
                b.c.application_id,
                b.c.province_code,
                a.c.bank_code,
                a.c.bank_account_no,
            )
            .join(
                b,
                and_(
                    a.c.bank_account_no == b.c.bank_account_no,
                    a.c.bank_code == b.c.bank_code,
                    a.c.application_id != b.c.application_id,
                ),
            )
            .where(
                a.c.application_id.in_(part),
                a.c.bank_account_no.is_not(None),
                a.c.bank_account_no != "",
            )
        )
        for app_id, other_id, other_prov, bank, account in conn.execute(stmt):
            found.append(
                {
                    "application_id": app_id,
                    "other_id": other_id,
                    "other_province_code": other_prov,
                    "match_field": "bank_account",
                    "match_value": f"{bank}:{account}",
                }
            )
    return found


_LAKE_MATCH_SQL = """
with keys as (select * from ob_keys),
s as (
    select seller_id, province_code, national_id, juristic_id, bank_code, bank_account_no,
           regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g') as phone
    from dim_seller
)
select k.application_id, s.seller_id, s.province_code, k.match_field, k.match_value
from keys k join s on k.match_field = 'national_id' and s.national_id = k.match_value
union all
select k.application_id, s.seller_id, s.province_code, k.match_field, k.match_value
from keys k join s on k.match_field = 'juristic_id' and s.juristic_id = k.match_value
union all
select k.application_id, s.seller_id, s.province_code, k.match_field, k.match_value
from keys k join s on k.match_field = 'phone' and s.phone = k.match_value
union all
select k.application_id, s.seller_id, s.province_code, k.match_field, k.match_value
from keys k join s on k.match_field = 'bank_account'
    and s.bank_code || ':' || s.bank_account_no = k.match_value
"""


def _pairs_in_lake(conn: Connection, ids: Sequence[str]) -> list[dict[str, Any]]:
    """Matches against sellers already in the lake (none when there is no lake yet)."""
    from warehouse.lake import LakeMissing, connect_reader
    from warehouse.query import cursor

    rows = []
    for part in store.chunks(list(ids)):
        for r in conn.execute(
            select(
                ob_application.c.application_id,
                ob_application.c.seller_id,
                ob_application.c.national_id,
                ob_application.c.juristic_id,
                ob_application.c.phone,
                ob_application.c.bank_code,
                ob_application.c.bank_account_no,
            ).where(ob_application.c.application_id.in_(part))
        ):
            for field, value in (
                ("national_id", r.national_id),
                ("juristic_id", r.juristic_id),
                ("phone", r.phone),
                (
                    "bank_account",
                    f"{r.bank_code}:{r.bank_account_no}" if r.bank_account_no else None,
                ),
            ):
                if value:
                    rows.append((r.application_id, r.seller_id or "", field, value))
    if not rows:
        return []
    try:
        lake = connect_reader()
    except LakeMissing:
        log.info("no lake yet: duplicate check against existing sellers skipped")
        return []
    try:
        keys = pl.DataFrame(
            rows,
            schema={
                "application_id": pl.Utf8,
                "own_seller_id": pl.Utf8,
                "match_field": pl.Utf8,
                "match_value": pl.Utf8,
            },
            orient="row",
        )
        cur = cursor(lake)
        try:
            cur.register("ob_keys", keys)
            found = cur.execute(_LAKE_MATCH_SQL).fetchall()
        finally:
            cur.close()
    finally:
        lake.close()
    own = {r[0]: r[1] for r in rows}
    return [
        {
            "application_id": app_id,
            "other_kind": "seller",
            "other_id": seller_id,
            "other_province_code": prov,
            "match_field": field,
            "match_value": value,
        }
        for app_id, seller_id, prov, field, value in found
        # An approved application's own seller record is not a duplicate of it.
        if seller_id != own.get(app_id)
    ]


def detect(conn: Connection, application_ids: Sequence[str], *, with_lake: bool = True) -> int:
    """Flag duplicates of these applications (both sides); returns the number of new flags."""
    if not application_ids:
        return 0
    at = store.now()
    flags: list[dict[str, Any]] = []
    touched: set[str] = set(application_ids)
    for m in _pairs_in_ops(conn, application_ids):
        base = {"other_kind": "application", "status": "open", "created_at": at}
        flags.append({**base, **m})
        # The mirror flag on the other application, pointing back.
        prov = conn.execute(
            select(ob_application.c.province_code).where(
                ob_application.c.application_id == m["application_id"]
            )
        ).scalar_one()
        flags.append(
            {
                **base,
                "application_id": m["other_id"],
                "other_id": m["application_id"],
                "other_province_code": prov,
                "match_field": m["match_field"],
                "match_value": m["match_value"],
            }
        )
        touched.add(m["other_id"])
    if with_lake:
        for m in _pairs_in_lake(conn, application_ids):
            flags.append({**m, "status": "open", "created_at": at})
    new = store.insert_ignore(conn, ob_duplicate_flag, flags)
    store.refresh_counts(conn, sorted(touched))
    return new


def flags_for(actor: User | None, application_id: str) -> pl.DataFrame:
    """The flags of one application, with a link (kind + id) to the other record."""
    with store.read() as conn:
        app = store.get_application(conn, application_id)
        scope.require_view(actor, app["province_code"], store.application_missing(application_id))
        other = aliased(ob_application)
        rows = (
            conn.execute(
                select(
                    ob_duplicate_flag,
                    other.c.status.label("other_status"),
                    other.c.name_th.label("other_name_th"),
                )
                .outerjoin(
                    other,
                    and_(
                        ob_duplicate_flag.c.other_kind == "application",
                        other.c.application_id == ob_duplicate_flag.c.other_id,
                    ),
                )
                .where(ob_duplicate_flag.c.application_id == application_id)
                .order_by(ob_duplicate_flag.c.flag_id)
            )
            .mappings()
            .all()
        )
    return (
        pl.DataFrame([dict(r) for r in rows], infer_schema_length=None)
        if rows
        else pl.DataFrame(schema={c.name: pl.Utf8 for c in ob_duplicate_flag.c})
    )


def resolve(
    actor: User | None,
    flag_id: int,
    resolution: str,
    note: str,
    *,
    session_id: str | None = None,
) -> None:
    """Resolve one flag: ``distinct`` (they differ) or ``duplicate`` (reject this application).

    Rejecting as duplicate goes through the workflow (reason ``duplicate``), so it is a
    decision like any other: audited, conditional, exported.
    """
    if resolution not in RESOLUTIONS:
        raise ValidationFailed("onboarding.duplicate.unknown_resolution", resolution=resolution)
    if not (note or "").strip():
        raise ValidationFailed("onboarding.duplicate.note_required")
    if len(note) > limits.NOTE:
        raise ValidationFailed("error.text_too_long", max=limits.NOTE)
    with store.write() as conn:
        trail = audit.AuditTrail(conn, actor, session_id)
        flag = (
            conn.execute(select(ob_duplicate_flag).where(ob_duplicate_flag.c.flag_id == flag_id))
            .mappings()
            .first()
        )
        if flag is None:
            raise NotFound("onboarding.duplicate.not_found", flag_id=flag_id)
        app = store.get_application(conn, flag["application_id"])
        scope.require_act(
            actor,
            app["province_code"],
            NotFound("onboarding.duplicate.not_found", flag_id=flag_id),
        )
        if flag["status"] != "open":
            raise ValidationFailed("onboarding.duplicate.already_resolved", flag_id=flag_id)
        user_id, username = store.actor_fields(actor)
        values = {
            "status": resolution,
            "note": note.strip(),
            "resolved_by": user_id,
            "resolved_by_name": username,
            "resolved_at": store.now(),
        }
        result = conn.execute(
            update(ob_duplicate_flag)
            .where(ob_duplicate_flag.c.flag_id == flag_id, ob_duplicate_flag.c.status == "open")
            .values(**values)
        )
        if result.rowcount != 1:
            raise ValidationFailed("onboarding.duplicate.already_resolved", flag_id=flag_id)
        store.refresh_counts(conn, [app["application_id"]])
        trail.add(
            "onboarding.duplicate.resolve",
            "ob_duplicate_flag",
            str(flag_id),
            dict(flag),
            {**dict(flag), **values},
        )
        if resolution == "duplicate":
            workflow.apply_transition(
                conn,
                actor,
                app["application_id"],
                "reject",
                trail,
                reason_code="duplicate",
                note=note.strip(),
            )
