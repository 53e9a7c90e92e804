"""Browsing and exporting the audit log (admin only); the writer is ``identity.audit``."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from sqlalchemy import select

from dashboard import export
from dashboard.identity import authz
from dashboard.identity.user import User
from warehouse import ops
from warehouse.ops_schema import audit_log
from warehouse.settings import Settings

# Dates and naive datetimes given to browse() are Thai wall-clock time, as the UI shows.
LOCAL_TZ = ZoneInfo("Asia/Bangkok")
# Actions the audit log filter offers (their names are in the catalogs, audit.actions.*).
ACTIONS: tuple[str, ...] = (
    "auth.sign_in",
    "auth.sign_in_failed",
    "auth.sign_out",
    "auth.session_started",
    "auth.ticket_refused",
    "auth.session_expired",
    "auth.session_revoked",
    "auth.password_changed",
    "auth.language_changed",
    "user.created",
    "user.updated",
    "user.enabled",
    "user.disabled",
    "user.password_reset",
    "data.upload",
    "data.load",
    "data.load_failed",
    "data.load_requested",  # production mode: a load queued from the Data loads page
    # Onboarding: applications (creation, edits, imports and every workflow action),
    # documents, duplicate flags, listings (edits, imports, decisions), the export.
    "onboarding.application.create",
    "onboarding.application.edit",
    "onboarding.application.import_feed",
    "onboarding.application.import_sheet",
    "onboarding.sheet_mapping.save",  # sheets: an office's remembered column mapping
    "onboarding.application.resubmit",
    "onboarding.application.start_review",
    "onboarding.application.request_information",
    "onboarding.application.approve",
    "onboarding.application.reject",
    "onboarding.application.suspend",
    "onboarding.application.reinstate",
    "onboarding.document.set",
    "onboarding.duplicate.resolve",
    "onboarding.listing.edit",
    "onboarding.listing.import_feed",
    "onboarding.listing.approve",
    "onboarding.listing.reject",
    "onboarding.listing.request_changes",
    "onboarding.export.decisions",
    # Payments (issue 9): reconciliation runs and the exception queue's steps.
    "payments.recon.run",
    "payments.case.assign",
    "payments.case.comment",
    "payments.case.resolve",
    "payments.case.request_write_off",
    "payments.case.approve_write_off",
    "payments.case.reject_write_off",
    "payments.hold.place",
    "payments.hold.release",
    "payments.hold.bank_return",
    "payments.payout.run",
    # Impact: the seller master written from the approvals.
    "impact.seller_sync",
    "impact.briefing.create",
    "impact.briefing.reverify",
    "impact.lake_expire",
)
# The page shows the newest entries up to this many; the CSV export has them all.
ROWS_SHOWN = 500
SCHEMA = {
    "id": pl.Int64,
    "at": pl.Datetime("us", "UTC"),
    "username": pl.Utf8,
    "role": pl.Utf8,
    "action": pl.Utf8,
    "entity": pl.Utf8,
    "entity_id": pl.Utf8,
    "before": pl.Utf8,
    "after": pl.Utf8,
    "session_id": pl.Utf8,
}


def _as_utc(value: dt.date | dt.datetime, *, end_of_day: bool) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        start = dt.datetime.combine(value, dt.time(), LOCAL_TZ)
        value = start + dt.timedelta(days=1) if end_of_day else start
    elif value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(dt.UTC)


def browse(
    actor: User,
    *,
    action: str | None = None,
    username: str | None = None,
    since: dt.date | dt.datetime | None = None,
    until: dt.date | dt.datetime | None = None,
    limit: int | None = ROWS_SHOWN,
    settings: Settings | None = None,
) -> pl.DataFrame:
    """Entries newest first (admin only). A date ``until`` includes that whole day;
    dates and naive datetimes are Thai local time; ``at`` comes back in UTC."""
    authz.require_role(actor, "admin", settings=settings)
    query = select(
        audit_log.c.id,
        audit_log.c.at,
        audit_log.c.username,
        audit_log.c.role,
        audit_log.c.action,
        audit_log.c.entity,
        audit_log.c.entity_id,
        audit_log.c.before_json.label("before"),
        audit_log.c.after_json.label("after"),
        audit_log.c.session_id,
    ).order_by(audit_log.c.id.desc())
    if action:
        query = query.where(audit_log.c.action == action)
    if username:
        query = query.where(audit_log.c.username == username.strip().lower())
    if since is not None:
        query = query.where(audit_log.c.at >= _as_utc(since, end_of_day=False))
    if until is not None:
        bound = _as_utc(until, end_of_day=True)
        # A date means "through that day"; a datetime is an inclusive instant.
        is_date = not isinstance(until, dt.datetime)
        query = query.where(audit_log.c.at < bound if is_date else audit_log.c.at <= bound)
    if limit is not None:
        query = query.limit(limit)
    with ops.read(ops.engine(settings)) as conn:
        return ops.fetch_df(conn, query, SCHEMA)


def export_csv(actor: User, **filters: Any) -> bytes:
    """The filtered log as CSV (admin only), through the one CSV writer: Excel opens it
    with Thai intact, and a username a stranger typed at sign-in is never a formula."""
    filters.setdefault("limit", None)
    df = browse(actor, **filters)
    at = df["at"].dt.strftime("%Y-%m-%dT%H:%M:%S%.6fZ")
    return export.csv_bytes(df.with_columns(at.alias("at")))
