"""Listings arriving from the marketplace feed (the lake's dim_listing) into moderation:
new listings enter with the feed's status, a changed one gets a new pending version
(``listings`` holds the versions and their checks; this module only brings them in)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, select

from dashboard.errors import PermissionDenied
from dashboard.identity import audit
from dashboard.identity.user import User
from dashboard.onboarding import scope, store
from dashboard.onboarding.listing_checks import category_medians, load_terms, normalize_title
from dashboard.onboarding.listings import UNREVIEWED, _changed, _supersede, _version_row
from warehouse.ops_schema_onboarding import ob_listing_version


@dataclass(frozen=True)
class ListingImportResult:
    inserted: int
    new_versions: int
    unchanged: int


_LAKE_LISTINGS = """
select l.listing_id, l.seller_id, s.province_code, l.category_code, l.title_th, l.title_en,
       l.price_thb, l.weight_kg, l.is_perishable, l.temperature_class, l.has_photo, l.status,
       l.created_at, l.updated_at
from dim_listing l join dim_seller s using (seller_id)
order by l.listing_id
"""


_INSERT_BATCH = 2_000


class _SellerTitles:
    """:func:`_seller_titles` kept in memory during an import: per seller, each listing's
    newest version's status and normalized titles."""

    def __init__(self, newest: Iterable[Mapping[str, Any]]) -> None:
        self._by_seller: dict[str, dict[str, tuple[str, set[str]]]] = {}
        for row in newest:
            self.put(row)

    def put(self, row: Mapping[str, Any]) -> None:
        names = {normalize_title(t) for t in (row["title_th"], row["title_en"]) if t}
        self._by_seller.setdefault(row["seller_id"], {})[row["listing_id"]] = (
            row["status"],
            names,
        )

    def others(self, seller_id: str, listing_id: str) -> set[str]:
        return {
            name
            for other, (status, names) in self._by_seller.get(seller_id, {}).items()
            if other != listing_id and status != "rejected"
            for name in names
        }


def import_from_lake(actor: User | None, *, session_id: str | None = None) -> ListingImportResult:
    """Bring the lake's listings into moderation, idempotently: new listings enter with the
    feed's status; a changed listing gets a new pending version."""
    if scope.acting_provinces(actor) is not None:
        # The feed covers every province: an admin's (or the command line's) job.
        raise PermissionDenied("onboarding.scope.admin_only")
    from warehouse.lake import connect_reader
    from warehouse.query import fetch_df

    lake = connect_reader()
    try:
        feed = fetch_df(lake, _LAKE_LISTINGS)
    finally:
        lake.close()
    medians = category_medians()
    inserted = versions = 0
    with store.write() as conn:
        trail = audit.AuditTrail(conn, actor, session_id)
        terms = load_terms(conn)
        n = (
            select(
                ob_listing_version.c.listing_id, func.max(ob_listing_version.c.version).label("v")
            )
            .group_by(ob_listing_version.c.listing_id)
            .subquery("n")
        )
        newest = {
            r["listing_id"]: dict(r)
            for r in conn.execute(
                select(ob_listing_version).join(
                    n,
                    and_(
                        ob_listing_version.c.listing_id == n.c.listing_id,
                        ob_listing_version.c.version == n.c.v,
                    ),
                )
            ).mappings()
        }
        # What _insert_version asks the database per listing (its newest version, its
        # seller's other titles) is known here: kept in memory and the versions written
        # a few thousand per statement (the large demo's 250,000 listings were three
        # statements each, the slowest part of building it).
        titles = _SellerTitles(newest.values())
        rows: list[dict[str, Any]] = []
        superseded: list[tuple[str, int]] = []
        for raw in feed.iter_rows(named=True):
            listing_id = raw["listing_id"]
            latest = newest.get(listing_id)
            if latest is None:
                status = (
                    raw["status"]
                    if raw["status"] in ("approved", "rejected", "pending")
                    else "pending"
                )
                province_code, submitted = raw["province_code"], raw["created_at"]
                inserted += 1
            else:
                newer = raw["updated_at"] is not None and (
                    latest["source_updated_at"] is None
                    or raw["updated_at"] > latest["source_updated_at"]
                )
                if not (newer and _changed(latest, raw)):
                    continue
                if latest["status"] in UNREVIEWED:
                    superseded.append((listing_id, latest["version"]))
                status, province_code = "pending", latest["province_code"]
                submitted = raw["updated_at"]
                versions += 1
            row = _version_row(
                listing_id,
                raw,
                latest=latest,
                province_code=province_code,
                status=status,
                medians=medians,
                terms=terms,
                seller_titles=titles.others(raw["seller_id"], listing_id),
                source_updated_at=raw["updated_at"],
                submitted_at=submitted,
            )
            titles.put(row)
            rows.append(row)
        _supersede(conn, superseded)
        for start in range(0, len(rows), _INSERT_BATCH):
            conn.execute(ob_listing_version.insert(), rows[start : start + _INSERT_BATCH])
        if inserted or versions:
            trail.add(
                "onboarding.listing.import_feed",
                "ob_listing_version",
                None,
                None,
                {"inserted": inserted, "new_versions": versions},
            )
    return ListingImportResult(inserted, versions, feed.height - inserted - versions)
