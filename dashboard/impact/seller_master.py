"""`postmart sync sellers`: approved, suspended and reinstated sellers from the ops DB into
the lake's seller master (``dim_seller``), so every sale belongs to a known seller.

The ops DB is the source of truth for who is a seller: an application approved by an
office (or by the marketplace's feed), suspended or reinstated later. The sync is a full
comparison (``etl.load.merge_sellers``): re-running it changes nothing and makes no lake
snapshot; rows that changed get ``updated_at`` = the sync's time and one ``etl_load`` row
(feed ``seller_master``) names the commit.

It runs after each decision that makes, suspends or reinstates a seller, after each load
from the Data loads page, and after ``postmart onboarding import-feed``. Those runs are
best effort: when the lake is busy with a load the decision stands and the next run (any
of them, they all compare everything) catches up.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import polars as pl
from sqlalchemy import select

from dashboard.errors import PermissionDenied
from dashboard.identity import audit, authz
from dashboard.identity.user import CLI_ACTOR, User
from dashboard.onboarding import store
from etl.load import SellerSync, conform_sellers, merge_sellers
from warehouse import vocab
from warehouse.lake import LakeError, catalog_exists, connect_writer
from warehouse.ops_schema_onboarding import ob_application
from warehouse.settings import Settings, load_settings

log = logging.getLogger(__name__)

_COLUMNS = (
    "application_id",
    "seller_id",
    "status",
    "submitted_at",
    "decided_at",
    "seller_type",
    "name_th",
    "name_en",
    "national_id",
    "juristic_id",
    "ce_registration_code",
    "count_members",
    "is_low_income",
    "province_code",
    "district_code",
    "subdistrict_code",
    "postal_code",
    "digital_centre_id",
    "bank_code",
    "bank_account_no",
    "promptpay_proxy",
    "phone",
)
# Actions after which a seller's row in the master changes.
SELLER_ACTIONS = frozenset({"approve", "suspend", "reinstate"})


def seller_applications(seller_ids: Iterable[str] | None = None) -> pl.DataFrame:
    """The ops DB's applications that made a seller (approved or suspended)."""
    cols = [ob_application.c[c] for c in _COLUMNS]
    query = select(*cols).where(
        ob_application.c.seller_id.is_not(None),
        ob_application.c.status.in_(vocab.SELLER_APPLICATION_STATUSES),
    )
    with store.read() as conn:
        if seller_ids is None:
            rows = [tuple(r) for r in conn.execute(query)]
        else:
            ids = sorted(set(seller_ids))
            rows = []
            for part in store.chunks(ids):
                q = query.where(ob_application.c.seller_id.in_(list(part)))
                rows += [tuple(r) for r in conn.execute(q)]
    schema = {
        c: (pl.Int32 if c == "count_members" else pl.Boolean if c == "is_low_income" else pl.Utf8)
        for c in _COLUMNS
    }
    schema["submitted_at"] = schema["decided_at"] = pl.Datetime("us")
    return pl.DataFrame(rows, schema=schema, orient="row")


def _sync(
    actor: User, seller_ids: Iterable[str] | None, settings: Settings, session_id: str | None
) -> SellerSync:
    master = conform_sellers(seller_applications(seller_ids))
    with connect_writer(settings) as con:
        result = merge_sellers(con, master, at=store.now(), by=actor.username)
    if result.changed:
        audit.record(
            actor=actor,
            action="impact.seller_sync",
            entity="dim_seller",
            entity_id=result.load_id,
            before=None,
            after={"inserted": result.inserted, "updated": result.updated},
            session_id=session_id,
            settings=settings,
        )
    return result


def sync_sellers(
    actor: User | None, *, session_id: str | None = None, settings: Settings | None = None
) -> SellerSync:
    """Write every seller of the ops DB to the lake's master; admins and the CLI only."""
    settings = settings or load_settings()
    user = authz.current(actor, settings)
    if user.role not in authz.ALL_PROVINCE_ACTORS:
        raise PermissionDenied(role=user.role)
    return _sync(user, None, settings, session_id)


def after_change(
    seller_ids: Iterable[str] | None = None,
    *,
    actor: User | None = None,
    settings: Settings | None = None,
) -> SellerSync | None:
    """The sync run by a decision or a load that already happened (and was authorized):
    best effort, None when the lake is missing or busy (the next run catches up)."""
    settings = settings or load_settings()
    if settings.seller_sync != "after_decisions" or not catalog_exists(settings):
        # No lake yet (a fresh install, a test of the workflow alone): nothing to follow.
        return None
    try:
        return _sync(actor or CLI_ACTOR, seller_ids, settings, None)
    except LakeError as exc:
        log.warning("seller master not synced now (%s); the next sync catches up", exc)
        return None
