"""Applications arrive three ways: the marketplace feed (via the lake), a provincial
spreadsheet (preview first, then only the confirmed good rows), and an officer filling the
form on a seller's behalf. All three end in ``_insert``: normalised values, the checks'
verdicts stored with the row, duplicate flags raised on both sides.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from dashboard.errors import Conflict, PermissionDenied, ValidationFailed
from dashboard.identity import audit
from dashboard.identity.user import User
from dashboard.onboarding import duplicates, scope, store, validators
from dashboard.onboarding.validators import CheckResult
from warehouse import limits, vocab
from warehouse.ops_schema_onboarding import ob_application, ob_application_event

log = logging.getLogger(__name__)

# Where an application came from (applications.source.<source> in the catalogs).
SOURCES = ("feed", "spreadsheet", "officer")
FIELDS = (
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
    "address_line",
    "phone",
    "bank_code",
    "bank_account_no",
    "promptpay_proxy",
    "digital_centre_id",
)
_TRUE = {"1", "true", "t", "yes", "y", "ใช่", "มี"}
_FALSE = {"0", "false", "f", "no", "n", "ไม่ใช่", "ไม่มี", ""}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return None if text == "" else False
    return None


def normalize(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Values as stored: digits only for IDs and accounts, national-form phone, codes
    derived from the subdistrict when the sheet left them out."""
    v: dict[str, Any] = {f: _text(raw.get(f)) for f in FIELDS}
    for f in (
        "national_id",
        "juristic_id",
        "ce_registration_code",
        "bank_account_no",
        "promptpay_proxy",
        "province_code",
        "district_code",
        "subdistrict_code",
        "postal_code",
    ):
        if v[f] is not None:
            v[f] = validators.digits_only(v[f]) or None
    if v["ce_registration_code"] is None and _text(raw.get("ce_registration_code")):
        v["ce_registration_code"] = _text(raw.get("ce_registration_code"))
    if v["bank_code"] is not None:
        code = validators.digits_only(v["bank_code"])
        v["bank_code"] = code.zfill(3) if code.isdigit() else code
    if v["phone"] is not None:
        v["phone"] = validators.normalize_phone(v["phone"]) or validators.ascii_digits(v["phone"])
    sub = v["subdistrict_code"]
    if sub and len(sub) == 6:
        v["province_code"] = v["province_code"] or sub[:2]
        v["district_code"] = v["district_code"] or sub[:4]
    members = validators.digits_only(raw.get("count_members"))
    v["count_members"] = int(members) if members.isdigit() else None
    v["is_low_income"] = _bool(raw.get("is_low_income"))
    return v


def check_values(raw: Mapping[str, Any], values: Mapping[str, Any]) -> list[CheckResult]:
    # Judge what was written (a CE code's separators matter), store what was normalised.
    judged = {
        **values,
        "ce_registration_code": raw.get("ce_registration_code"),
        "count_members": raw.get("count_members"),
    }
    return validators.check_application(judged)


def insert_applications(
    conn: Connection,
    rows: Sequence[dict[str, Any]],
    *,
    source: str,
    actor: User | None,
    source_file: str | None = None,
) -> list[str]:
    """Insert prepared applications (each with ``application_id``, ``status``,
    ``submitted_at``, ``checks``); record their first event; flag duplicates."""
    if not rows:
        return []
    at = store.now()
    user_id, username = store.actor_fields(actor)
    records, events = [], []
    for r in rows:
        checks: list[CheckResult] = r["checks"]
        records.append(
            {
                **{f: r.get(f) for f in FIELDS},
                "application_id": r["application_id"],
                "source": source,
                "source_file": source_file,
                "source_updated_at": r.get("source_updated_at"),
                "status": r.get("status") or "submitted",
                "submitted_at": r.get("submitted_at") or at,
                "decided_at": r.get("decided_at"),
                "seller_id": r.get("seller_id"),
                "entered_by": user_id,
                "entered_by_name": username,
                "count_open_flags": 0,
                "count_check_errors": len(validators.errors(checks)),
                "is_checklist_complete": False,
                "checks_json": store.dumps([c.as_dict() for c in checks]),
                "version": 1,
                "created_at": at,
                "updated_at": at,
            }
        )
        events.append(
            {
                "application_id": r["application_id"],
                "action": f"received_{source}",
                "from_status": None,
                "to_status": r.get("status") or "submitted",
                "actor_id": user_id,
                "actor_name": username,
                "at": r.get("submitted_at") or at,
            }
        )
    for part in store.chunks(records):
        conn.execute(ob_application.insert(), list(part))
    for part in store.chunks(events):
        conn.execute(ob_application_event.insert(), list(part))
    ids = [r["application_id"] for r in records]
    duplicates.detect(conn, ids)
    store.refresh_counts(conn, ids)
    return ids


# ---------------------------------------------------------------- officer on a seller's behalf


def refuse_too_long(values: Mapping[str, Any]) -> None:
    """A text longer than its field's limit (warehouse.limits) is refused before anything
    is saved: saved with a failed check, a 1 MB name would sit in every queue and export."""
    for field, value in values.items():
        if isinstance(value, str) and len(value) > limits.max_length(field):
            raise ValidationFailed("onboarding.application.too_long", max=limits.max_length(field))


def create_application(
    actor: User | None, data: Mapping[str, Any], *, session_id: str | None = None
) -> dict[str, Any]:
    """An officer fills the form for a seller (e.g. at a community digital centre).

    Saved even when some checks fail (the officer may be waiting for a document); the
    failures are stored with it and block approval until fixed.
    """
    values = normalize(data)
    refuse_too_long(values)
    if not values["province_code"]:
        raise ValidationFailed("onboarding.check.address.missing_province")
    scope.require_act(actor, values["province_code"])
    checks = check_values(data, values)
    app_id = f"OF-{values['province_code']}-{uuid.uuid4().hex[:10].upper()}"
    with store.write() as conn:
        trail = audit.AuditTrail(conn, actor, session_id)
        insert_applications(
            conn,
            [{**values, "application_id": app_id, "checks": checks}],
            source="officer",
            actor=actor,
        )
        after = store.get_application(conn, app_id)
        trail.add("onboarding.application.create", "ob_application", app_id, None, after)
    return after


def update_application(
    actor: User | None,
    application_id: str,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    session_id: str | None = None,
) -> dict[str, Any]:
    """Correct an open application's data (e.g. the new phone number the seller gave);
    the checks are run again and new duplicates flagged. ``expected_version`` is the
    version the officer's screen showed: a change by someone else since is a Conflict."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValidationFailed(
            "onboarding.application.unknown_field", fields=", ".join(sorted(unknown))
        )
    with store.write() as conn:
        trail = audit.AuditTrail(conn, actor, session_id)
        before = store.get_application(conn, application_id)
        scope.require_act(actor, before["province_code"], store.application_missing(application_id))
        if before["status"] not in vocab.APPLICATION_OPEN_STATUSES:
            raise ValidationFailed(
                "onboarding.workflow.not_allowed", action="edit", status=before["status"]
            )
        raw = {**{f: before[f] for f in FIELDS}, **changes}
        values = normalize(raw)
        refuse_too_long(values)
        if values["province_code"] != before["province_code"]:
            scope.require_act(actor, values["province_code"])
        checks = check_values(raw, values)
        seen = before["version"] if expected_version is None else expected_version
        new = {
            **values,
            "count_check_errors": len(validators.errors(checks)),
            "checks_json": store.dumps([c.as_dict() for c in checks]),
            "updated_at": store.now(),
            "version": seen + 1,
        }
        result = conn.execute(
            update(ob_application)
            .where(
                ob_application.c.application_id == application_id,
                ob_application.c.version == seen,
            )
            .values(**new)
        )
        if result.rowcount != 1:
            current = store.get_application(conn, application_id)
            raise Conflict(
                "onboarding.application.changed",
                application_id=application_id,
                at=current["updated_at"].isoformat(sep=" "),
            )
        duplicates.detect(conn, [application_id])
        store.refresh_counts(conn, [application_id])
        after = store.get_application(conn, application_id)
        trail.add("onboarding.application.edit", "ob_application", application_id, before, after)
    return after


# ---------------------------------------------------------------- the marketplace feed


@dataclass(frozen=True)
class FeedImportResult:
    inserted: int
    resubmitted: int
    unchanged: int


def import_from_lake(actor: User | None, *, session_id: str | None = None) -> FeedImportResult:
    """Copy the lake's ``seller_application`` rows into the ops DB, idempotently.

    New applications are inserted with the feed's status; an application the office put
    on needs-information that the marketplace reports resubmitted (newer ``updated_at``)
    gets its new data and moves to resubmitted. Running it twice changes nothing.
    """
    if scope.acting_provinces(actor) is not None:
        # The feed covers every province: an admin's (or the command line's) job.
        raise PermissionDenied("onboarding.scope.admin_only")
    from warehouse.lake import connect_reader
    from warehouse.query import fetch_df

    lake = connect_reader()
    try:
        feed = fetch_df(lake, "select * from seller_application order by application_id")
    finally:
        lake.close()
    with store.write() as conn:
        trail = audit.AuditTrail(conn, actor, session_id)
        known = {
            r.application_id: (r.status, r.source_updated_at)
            for r in conn.execute(
                select(
                    ob_application.c.application_id,
                    ob_application.c.status,
                    ob_application.c.source_updated_at,
                )
            )
        }
        new_rows, resubmits = [], []
        for raw in feed.iter_rows(named=True):
            app_id = raw["application_id"]
            if app_id not in known:
                values = normalize(raw)
                if not values["province_code"]:
                    # No office can own it; the ETL quarantines such rows, so this is rare.
                    log.warning("feed application %s has no province: not imported", app_id)
                    continue
                new_rows.append(
                    {
                        **values,
                        "application_id": app_id,
                        "checks": check_values(raw, values),
                        "status": raw["status"] or "submitted",
                        "submitted_at": raw["submitted_at"],
                        "decided_at": raw["decided_at"],
                        "seller_id": raw["seller_id"],
                        "source_updated_at": raw["updated_at"],
                    }
                )
                continue
            status, seen_at = known[app_id]
            newer = raw["updated_at"] is not None and (
                seen_at is None or raw["updated_at"] > seen_at
            )
            if newer and status == "needs_information" and raw["status"] == "resubmitted":
                resubmits.append(raw)
        insert_applications(conn, new_rows, source="feed", actor=actor)
        for raw in resubmits:
            _apply_resubmission(conn, actor, raw, trail)
        if new_rows or resubmits:
            trail.add(
                "onboarding.application.import_feed",
                "ob_application",
                None,
                None,
                {"inserted": len(new_rows), "resubmitted": len(resubmits)},
            )
    return FeedImportResult(
        len(new_rows), len(resubmits), feed.height - len(new_rows) - len(resubmits)
    )


def _apply_resubmission(
    conn: Connection, actor: User | None, raw: Mapping[str, Any], trail: audit.AuditTrail
) -> None:
    values = normalize(raw)
    checks = check_values(raw, values)
    before = store.get_application(conn, raw["application_id"])
    changes = {
        **values,
        "source_updated_at": raw["updated_at"],
        "count_check_errors": len(validators.errors(checks)),
        "checks_json": store.dumps([c.as_dict() for c in checks]),
        "status": "resubmitted",
        "updated_at": store.now(),
        "version": before["version"] + 1,
    }
    # The office's scope is the province it was filed in; a feed edit may not move it.
    changes["province_code"] = before["province_code"]
    result = conn.execute(
        update(ob_application)
        .where(
            ob_application.c.application_id == raw["application_id"],
            ob_application.c.status == "needs_information",
        )
        .values(**changes)
    )
    if result.rowcount != 1:
        return
    conn.execute(
        ob_application_event.insert().values(
            application_id=raw["application_id"],
            action="resubmit",
            from_status="needs_information",
            to_status="resubmitted",
            note="feed",
            at=changes["updated_at"],
        )
    )
    duplicates.detect(conn, [raw["application_id"]])
    trail.add(
        "onboarding.application.resubmit",
        "ob_application",
        raw["application_id"],
        before,
        {**before, **changes},
    )
