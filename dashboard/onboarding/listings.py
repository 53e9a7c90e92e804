"""Listing moderation: versions, their arrival from the marketplace feed, and the queue.
Checks: ``listing_checks``; decisions: ``listing_decisions``.

Each edit of a listing is a new version. A version waits in the province's queue as
``pending``; the version on sale is the newest ``approved`` one, so an edit to an approved
listing goes back to review while the approved version stays on sale. Approving the new
version supersedes the old one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from sqlalchemy import Connection, and_, func, select, update

from dashboard.errors import NotFound, ValidationFailed
from dashboard.identity import audit
from dashboard.identity.user import User
from dashboard.onboarding import scope, store
from dashboard.onboarding.listing_checks import (
    Term,
    category_medians,
    listing_checks,
    load_terms,
    normalize_title,
)
from warehouse.ops_schema_onboarding import ob_listing_version

DECISIONS = {"approve": "approved", "reject": "rejected", "request_changes": "changes_requested"}
REASON_KIND = {"reject": "listing_reject", "request_changes": "listing_changes"}
CONTENT_FIELDS = (
    "seller_id",
    "category_code",
    "title_th",
    "title_en",
    "description",
    "price_thb",
    "weight_kg",
    "is_perishable",
    "temperature_class",
    "has_photo",
)
# The moderation page shows this many versions; the count is of the whole queue.
PAGE_ROWS = 200


def listing_missing(listing_id: str) -> NotFound:
    """The answer for a listing that does not exist, or that the user may not see."""
    return NotFound("onboarding.listing.not_found", listing_id=listing_id)


def _seller_titles(conn: Connection, seller_id: str, listing_id: str) -> set[str]:
    """Titles of the seller's other listings that are not rejected (each at its newest version)."""
    newest = (
        select(ob_listing_version.c.listing_id, func.max(ob_listing_version.c.version).label("v"))
        .where(
            ob_listing_version.c.seller_id == seller_id,
            ob_listing_version.c.listing_id != listing_id,
        )
        .group_by(ob_listing_version.c.listing_id)
        .subquery()
    )
    rows = conn.execute(
        select(ob_listing_version.c.title_th, ob_listing_version.c.title_en)
        .join(
            newest,
            and_(
                newest.c.listing_id == ob_listing_version.c.listing_id,
                newest.c.v == ob_listing_version.c.version,
            ),
        )
        .where(ob_listing_version.c.status != "rejected")
    ).all()
    return {normalize_title(t) for r in rows for t in r if t}


def _latest(conn: Connection, listing_id: str) -> dict[str, Any] | None:
    row = (
        conn.execute(
            select(ob_listing_version)
            .where(ob_listing_version.c.listing_id == listing_id)
            .order_by(ob_listing_version.c.version.desc())
            .limit(1)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def _insert_version(
    conn: Connection,
    listing_id: str,
    values: Mapping[str, Any],
    *,
    province_code: str,
    status: str,
    medians: Mapping[str, Decimal],
    terms: Sequence[Term],
    source_updated_at: Any = None,
    submitted_at: Any = None,
) -> dict[str, Any]:
    latest = _latest(conn, listing_id)
    if latest and latest["status"] in UNREVIEWED:
        _supersede(conn, [(listing_id, latest["version"])])
    row = _version_row(
        listing_id,
        values,
        latest=latest,
        province_code=province_code,
        status=status,
        medians=medians,
        terms=terms,
        seller_titles=_seller_titles(conn, values.get("seller_id"), listing_id),
        source_updated_at=source_updated_at,
        submitted_at=submitted_at,
    )
    conn.execute(ob_listing_version.insert().values(**row))
    return row


# An unreviewed version replaced by a newer edit is never reviewed itself.
UNREVIEWED = ("pending", "changes_requested")


def _supersede(conn: Connection, versions: Sequence[tuple[str, int]]) -> None:
    for listing_id, version in versions:
        conn.execute(
            update(ob_listing_version)
            .where(
                ob_listing_version.c.listing_id == listing_id,
                ob_listing_version.c.version == version,
            )
            .values(status="superseded")
        )


def _version_row(
    listing_id: str,
    values: Mapping[str, Any],
    *,
    latest: Mapping[str, Any] | None,
    province_code: str,
    status: str,
    medians: Mapping[str, Decimal],
    terms: Sequence[Term],
    seller_titles: set[str],
    source_updated_at: Any = None,
    submitted_at: Any = None,
) -> dict[str, Any]:
    """The next version of a listing (after ``latest``) with its checks, not yet written."""
    version = (latest["version"] + 1) if latest else 1
    content = {f: values.get(f) for f in CONTENT_FIELDS}
    checks = listing_checks(
        content, category_medians=medians, terms=terms, same_seller_titles=seller_titles
    )
    row = {
        **content,
        "listing_id": listing_id,
        "version": version,
        "province_code": province_code,
        "status": status,
        "count_check_problems": len(checks),
        "checks_json": store.dumps([c.as_dict() for c in checks]),
        "source_updated_at": source_updated_at,
        "submitted_at": submitted_at or store.now(),
    }
    return row


def _changed(latest: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    def same(a: Any, b: Any) -> bool:
        if a is None or b is None:
            return a is b
        if isinstance(a, Decimal | float | int) and not isinstance(a, bool):
            return Decimal(str(a)) == Decimal(str(b))
        return a == b

    return any(not same(latest.get(f), values.get(f)) for f in CONTENT_FIELDS if f != "seller_id")


def submit_edit(
    actor: User | None,
    listing_id: str,
    changes: Mapping[str, Any],
    *,
    session_id: str | None = None,
) -> dict[str, Any]:
    """Record an edit (an officer on the seller's behalf): a new pending version. The
    approved version, if any, stays on sale until this one is approved."""
    medians = category_medians()
    with store.write() as conn:
        trail = audit.AuditTrail(conn, actor, session_id)
        latest = _latest(conn, listing_id)
        if latest is None:
            raise listing_missing(listing_id)
        scope.require_act(actor, latest["province_code"], listing_missing(listing_id))
        unknown = set(changes) - (set(CONTENT_FIELDS) - {"seller_id"})
        if unknown:
            raise ValidationFailed(
                "onboarding.listing.unknown_field", fields=", ".join(sorted(unknown))
            )
        values = {**{f: latest[f] for f in CONTENT_FIELDS}, **changes}
        row = _insert_version(
            conn,
            listing_id,
            values,
            province_code=latest["province_code"],
            status="pending",
            medians=medians,
            terms=load_terms(conn),
        )
        trail.add(
            "onboarding.listing.edit",
            "ob_listing_version",
            f"{listing_id}/{row['version']}",
            latest,
            row,
        )
    return row


# ---------------------------------------------------------------- reading


_QUEUE_SCHEMA = {
    "listing_id": pl.Utf8,
    "version": pl.Int64,
    "seller_id": pl.Utf8,
    "province_code": pl.Utf8,
    "category_code": pl.Utf8,
    "title_th": pl.Utf8,
    "title_en": pl.Utf8,
    "price_thb": pl.Float64,
    "status": pl.Utf8,
    "count_check_problems": pl.Int64,
    "checks_json": pl.Utf8,
    "submitted_at": pl.Datetime("us"),
    "has_approved_version": pl.Boolean,
}


def moderation_queue(
    actor: User | None,
    *,
    status: str = "pending",
    province_code: str | None = None,
    limit: int | None = None,
) -> pl.DataFrame:
    """Versions waiting for a decision in the user's provinces, oldest first (``limit``)."""
    provinces = scope.visible_provinces(actor)
    lv = ob_listing_version
    a = lv.alias("a")
    approved = (
        select(func.count())
        .select_from(a)
        .where(a.c.listing_id == lv.c.listing_id, a.c.status == "approved")
        .scalar_subquery()
    )
    stmt = select(
        lv.c.listing_id,
        lv.c.version,
        lv.c.seller_id,
        lv.c.province_code,
        lv.c.category_code,
        lv.c.title_th,
        lv.c.title_en,
        lv.c.price_thb,
        lv.c.status,
        lv.c.count_check_problems,
        lv.c.checks_json,
        lv.c.submitted_at,
        (approved > 0).label("has_approved_version"),
    ).where(lv.c.status == status)
    if provinces is not None:
        stmt = stmt.where(lv.c.province_code.in_(list(provinces)))
    if province_code:
        stmt = stmt.where(lv.c.province_code == province_code)
    stmt = stmt.order_by(lv.c.submitted_at, lv.c.listing_id, lv.c.version)
    if limit is not None:
        stmt = stmt.limit(limit)
    with store.read() as conn:
        rows = [
            tuple(float(v) if isinstance(v, Decimal) else v for v in r) for r in conn.execute(stmt)
        ]
    return pl.DataFrame(rows, schema=_QUEUE_SCHEMA, orient="row")


@dataclass(frozen=True)
class ModerationView:
    """What the listings page shows: the oldest rows of one status, and how many there are."""

    rows: pl.DataFrame
    count: int
    limit: int


def moderation_view(
    actor: User | None, *, status: str = "pending", limit: int = PAGE_ROWS
) -> ModerationView:
    """The moderation queue page in one call: the first ``limit`` rows and the count."""
    provinces = scope.visible_provinces(actor)
    lv = ob_listing_version
    count = select(func.count()).select_from(lv).where(lv.c.status == status)
    if provinces is not None:
        count = count.where(lv.c.province_code.in_(list(provinces)))
    rows = moderation_queue(actor, status=status, limit=limit)
    with store.read() as conn:
        total = conn.execute(count).scalar_one()
    return ModerationView(rows=rows, count=int(total), limit=limit)


def get_listing(actor: User | None, listing_id: str, version: int | None = None) -> dict[str, Any]:
    """A listing as its page shows it: every version, the one on sale, the version asked
    for (``shown``, the newest when ``version`` is None or unknown), that version's checks
    (only the newest version is checked), and the decisions the user may take on it."""
    with store.read() as conn:
        versions = [
            dict(r)
            for r in conn.execute(
                select(ob_listing_version)
                .where(ob_listing_version.c.listing_id == listing_id)
                .order_by(ob_listing_version.c.version)
            ).mappings()
        ]
    if not versions:
        raise listing_missing(listing_id)
    scope.require_view(actor, versions[-1]["province_code"], listing_missing(listing_id))
    on_sale = [v for v in versions if v["status"] == "approved"]
    latest = versions[-1]
    shown = next((v for v in versions if v["version"] == version), latest)
    checks = json.loads(latest["checks_json"]) if latest["checks_json"] else []
    may_decide = shown["status"] == "pending" and scope.can_act(actor, shown["province_code"])
    return {
        "listing_id": listing_id,
        "versions": versions,
        "latest": latest,
        "shown": shown,
        "on_sale": on_sale[-1] if on_sale else None,
        "checks": checks,
        "shown_checks": checks if shown["version"] == latest["version"] else [],
        "allowed_decisions": list(DECISIONS) if may_decide else [],
    }


def on_sale_version(listing_id: str) -> dict[str, Any] | None:
    with store.read() as conn:
        row = (
            conn.execute(
                select(ob_listing_version)
                .where(
                    ob_listing_version.c.listing_id == listing_id,
                    ob_listing_version.c.status == "approved",
                )
                .order_by(ob_listing_version.c.version.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )
    return dict(row) if row else None
