"""Provincial spreadsheets: an office's sheet of seller applications, its columns matched
to fields (sheet_columns), previewed row by row — every bad row with its problems, each
naming the file's own column and line, nothing saved — and then only the confirmed good
rows saved, checked again at that moment.

Cells are read as offices write them: places by name (etl.feeds.places), banks, seller
types and yes/no in words, dates in BE or CE with Thai digits or month names, house
number and หมู่ as the address line (etl.feeds.words).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import geothai
import polars as pl
from sqlalchemy import select

from dashboard.identity import audit
from dashboard.identity.user import User
from dashboard.onboarding import scope, store, validators
from dashboard.onboarding.imports import check_values, insert_applications, normalize
from dashboard.onboarding.sheet_columns import (
    MAX_SHEET_MB,
    MAX_SHEET_ROWS,
    REQUIRED_FIELDS,
    SheetColumn,
    SheetLayout,
    inspect_sheet,
    layout_of,
    mapped_frame,
    read_frame,
    remember_mapping,
)
from dashboard.onboarding.validators import CheckResult
from etl.feeds import (
    LINE,
    address_line,
    bank_code_of,
    date_text,
    describe_place,
    parse_datetime_series,
    resolve_place,
    seller_type_of,
    yes_no,
)
from warehouse.ops_schema_onboarding import ob_application

__all__ = [
    "MAX_SHEET_MB",
    "MAX_SHEET_ROWS",
    "SHEET_REQUIRED_COLUMNS",
    "ImportPreview",
    "ImportResult",
    "PreviewRow",
    "SheetLayout",
    "confirm_import",
    "inspect_sheet",
    "preview_frame",
    "preview_spreadsheet",
]

SHEET_REQUIRED_COLUMNS = REQUIRED_FIELDS
# The template's example row carries this national ID (a valid one, so the row shows how a
# good row looks); the preview names it as the example and never imports it.
TEMPLATE_EXAMPLE_ID = "1820100000011"
_GOOD_COLUMNS = {
    "name_th": pl.Utf8,
    "seller_type": pl.Utf8,
    "national_id": pl.Utf8,
    "district_code": pl.Utf8,
    "subdistrict_code": pl.Utf8,
    "bank_code": pl.Utf8,
    "submitted_at": pl.Datetime("us"),
}
# Which field's column a check's problem is about (the message names that column).
_CHECK_FIELD = {
    "seller_type": "seller_type",
    "name": "name_th",
    "national_id": "national_id",
    "juristic_id": "juristic_id",
    "ce_code": "ce_registration_code",
    "members": "count_members",
    "phone": "phone",
    "promptpay": "promptpay_proxy",
    "submitted_at": "submitted_at",
    "place": "subdistrict_code",
    "bank": "bank_code",
    "is_low_income": "is_low_income",
    "scope": "province_code",
}
_ADDRESS_FIELD = {
    "province": "province_code",
    "district": "district_code",
    "subdistrict": "subdistrict_code",
    "postal": "postal_code",
}


@dataclass(frozen=True)
class PreviewRow:
    line_no: int
    application_id: str
    values: dict[str, Any]
    problems: list[CheckResult]
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ImportPreview:
    file_name: str
    rows: list[PreviewRow]
    # Each field's column in the file (how problems name it); kept for confirm_import.
    columns: dict[str, SheetColumn] = field(default_factory=dict)

    @property
    def good(self) -> list[PreviewRow]:
        return [r for r in self.rows if r.ok]

    @property
    def bad(self) -> list[PreviewRow]:
        return [r for r in self.rows if not r.ok]

    def good_frame(self) -> pl.DataFrame:
        """The good rows as the preview lists them."""
        return pl.DataFrame(
            [
                {"line_no": r.line_no, **{k: r.values.get(k) for k in _GOOD_COLUMNS}}
                for r in self.good
            ],
            schema={"line_no": pl.Int64, **_GOOD_COLUMNS},
        )

    def problems_frame(self) -> pl.DataFrame:
        """One row per problem: line, the file's column, check, message key, params (JSON)."""
        rows = [
            {
                "line_no": r.line_no,
                "column": p.params.get("column"),
                "check": p.check,
                "key": p.key,
                "params": json.dumps(p.params, ensure_ascii=False),
            }
            for r in self.rows
            for p in r.problems
        ]
        return pl.DataFrame(
            rows,
            schema={
                "line_no": pl.Int64,
                "column": pl.Utf8,
                "check": pl.Utf8,
                "key": pl.Utf8,
                "params": pl.Utf8,
            },
        )


@dataclass(frozen=True)
class ImportResult:
    created: list[str]
    skipped: dict[int, str]  # line → message key of why it was not imported
    # line → the first problem itself (its params fill the message), where there is one
    reasons: dict[int, CheckResult] = field(default_factory=dict)


def _parse_submitted(values: Iterable[Any]) -> list[datetime | None]:
    """BE or CE, ISO or day-first, Thai digits or month names (the ETL's parser does it)."""
    s = pl.Series("v", [date_text(v) for v in values], dtype=pl.Utf8)
    return parse_datetime_series(s).to_list()


def _sheet_id(values: Mapping[str, Any]) -> str:
    # Deterministic, so the same sheet imported twice is recognised, not doubled.
    key = "|".join(
        str(values.get(f) or "") for f in ("national_id", "seller_type", "name_th", "province_code")
    )
    return "SH-" + hashlib.sha256(key.encode()).hexdigest()[:12].upper()


def _candidates(place: Any) -> dict[str, str]:
    return {
        f"candidates_{lang}": "; ".join(describe_place(a, lang) for a in place.candidates) or "—"
        for lang in ("th", "en")
    }


def _words(raw: Mapping[str, Any], provinces: tuple[str, ...] | None) -> tuple[dict, list]:
    """The cells in words read into codes: (raw for the checks, problems of the words)."""
    cooked = dict(raw)
    problems: list[CheckResult] = []
    kind = seller_type_of(raw.get("seller_type"))
    if kind:
        cooked["seller_type"] = kind
    elif raw.get("seller_type"):
        cooked["seller_type"] = str(raw["seller_type"]).strip()
    bank = raw.get("bank_code")
    if bank and str(bank).strip():
        code = bank_code_of(bank)
        if code is None:
            problems.append(
                CheckResult("bank", False, "sheets.check.bank_unknown", {"value": str(bank)})
            )
        cooked["bank_code"] = code
    try:
        low = yes_no(raw.get("is_low_income"))
        cooked["is_low_income"] = None if low is None else str(low).lower()
    except ValueError:
        problems.append(
            CheckResult(
                "is_low_income",
                False,
                "sheets.check.yes_no",
                {"value": str(raw.get("is_low_income"))},
            )
        )
        cooked["is_low_income"] = None
    cooked["address_line"] = address_line(
        raw.get("house_no"), raw.get("moo"), raw.get("address_line")
    )
    place = resolve_place(
        raw.get("subdistrict_code"),
        raw.get("district_code"),
        raw.get("province_code"),
        validators.digits_only(raw.get("postal_code")) or None,
        prefer_provinces=provinces,
    )
    if place.ok:
        cooked.update(
            subdistrict_code=place.subdistrict_code,
            district_code=place.district_code,
            province_code=place.province_code,
        )
    else:
        written = " ".join(
            str(raw[f]).strip()
            for f in ("subdistrict_code", "district_code", "province_code")
            if raw.get(f)
        )
        problems.append(
            CheckResult(
                "place",
                False,
                f"sheets.place.{place.problem}",
                {
                    "value": written,
                    "postal_code": validators.digits_only(raw.get("postal_code")),
                    **_candidates(place),
                },
            )
        )
        cooked.update(subdistrict_code=None, district_code=None, province_code=None)
    return cooked, problems


def _with_column(p: CheckResult, columns: Mapping[str, SheetColumn]) -> CheckResult:
    """The problem with the file's column that holds the field it is about."""
    if p.check == "address":
        reason = p.key.rsplit(".", 1)[-1]
        f = next((v for k, v in _ADDRESS_FIELD.items() if k in reason), "subdistrict_code")
    elif p.check == "bank_account":
        f = "bank_code" if p.key.endswith("unknown_bank") else "bank_account_no"
    else:
        f = _CHECK_FIELD.get(p.check)
    if f == "province_code" and f not in columns:
        f = "subdistrict_code"  # a sheet without a province column: the place it named
    col = columns.get(f) if f else None
    if col is None:
        return p
    return CheckResult(
        p.check, p.ok, p.key, {**p.params, "column": col.title, "letter": col.letter}, p.severity
    )


def preview_frame(
    actor: User | None,
    df: pl.DataFrame,
    file_name: str,
    columns: Mapping[str, SheetColumn] | None = None,
) -> ImportPreview:
    """Every row's problems; nothing is saved. ``df`` has field-named text columns."""
    provinces = scope.acting_provinces(actor)
    columns = dict(columns or {})
    raws = df.to_dicts()
    dates = _parse_submitted(r.get("submitted_at") for r in raws)
    seen_ids: dict[str, int] = {}
    rows: list[PreviewRow] = []
    for i, (raw, submitted_at) in enumerate(zip(raws, dates, strict=True)):
        line = int(raw.get(LINE) or i + 2)
        cooked, problems = _words(raw, provinces)
        values = normalize(cooked)
        values["address_line"] = cooked.get("address_line")
        checks = validators.errors(check_values(cooked, values))
        if any(p.check == "place" for p in problems):
            checks = [c for c in checks if c.check != "address"]  # the place problem says it
        if any(p.check == "bank" for p in problems):
            checks = [c for c in checks if c.check != "bank_account"]  # the bank word says it
        problems = checks + problems
        if raw.get("submitted_at") and submitted_at is None:
            problems.append(
                CheckResult(
                    "submitted_at",
                    False,
                    "onboarding.check.submitted_at.unreadable",
                    {"value": str(raw["submitted_at"])},
                )
            )
        prov = values["province_code"]
        if prov and provinces is not None and prov not in provinces:
            found = geothai.province(prov)
            problems.append(
                CheckResult(
                    "scope",
                    False,
                    "sheets.check.province_not_in_scope",
                    {
                        "province_code": prov,
                        "province_th": found.name_th if found else prov,
                        "province_en": found.name_en if found else prov,
                    },
                )
            )
        if values.get("national_id") == TEMPLATE_EXAMPLE_ID:
            problems = [CheckResult("example", False, "sheets.check.example_row")]
        app_id = _sheet_id(values)
        if app_id in seen_ids:
            problems.append(
                CheckResult(
                    "duplicate",
                    False,
                    "onboarding.import.duplicate_row",
                    {"line_no": seen_ids[app_id]},
                )
            )
        seen_ids.setdefault(app_id, line)
        values["submitted_at"] = submitted_at
        problems = [_with_column(p, columns) for p in problems]
        rows.append(PreviewRow(line, app_id, values, problems, raw))
    with store.read() as conn:
        ids = [r.application_id for r in rows]
        existing: set[str] = set()
        for part in store.chunks(ids):
            existing.update(
                conn.execute(
                    select(ob_application.c.application_id).where(
                        ob_application.c.application_id.in_(part)
                    )
                ).scalars()
            )
    for r in rows:
        if r.application_id in existing:
            r.problems.append(
                CheckResult(
                    "duplicate",
                    False,
                    "onboarding.import.already_imported",
                    {"application_id": r.application_id},
                )
            )
    return ImportPreview(file_name, rows, columns)


def preview_spreadsheet(
    actor: User | None,
    data: bytes,
    file_name: str,
    mapping: Mapping[str, str | None] | None = None,
    *,
    remember: bool = False,
    session_id: str | None = None,
) -> ImportPreview:
    """Read, map and check a sheet. Without ``mapping`` the proposed one is used (the
    header dictionary and the office's remembered choices); ``remember`` keeps the mapping
    the officer confirmed for the office's next file."""
    scope.acting_provinces(actor)
    df = read_frame(data, file_name)
    layout = layout_of(actor, df, file_name)
    chosen = dict(layout.mapping if mapping is None else mapping)
    frame, columns = mapped_frame(df, layout, chosen)
    if remember:
        remember_mapping(actor, layout, chosen, session_id=session_id)
    return preview_frame(actor, frame, file_name, columns)


def confirm_import(
    actor: User | None,
    preview: ImportPreview,
    line_nos: Iterable[int] | None = None,
    *,
    session_id: str | None = None,
) -> ImportResult:
    """Save the confirmed rows that are good — re-checked now, since the preview may be old."""
    wanted = set(line_nos) if line_nos is not None else {r.line_no for r in preview.good}
    raws = [r.raw for r in preview.rows]
    columns = list(dict.fromkeys(k for r in raws for k in r))
    frame = pl.DataFrame(raws, schema={c: (pl.Int64 if c == LINE else pl.Utf8) for c in columns})
    fresh = {
        r.line_no: r for r in preview_frame(actor, frame, preview.file_name, preview.columns).rows
    }
    to_save, skipped, reasons = [], {}, {}
    for line in sorted(wanted):
        row = fresh.get(line)
        if row is None:
            skipped[line] = "onboarding.import.unknown_line"
        elif not row.ok:
            skipped[line] = row.problems[0].key
            reasons[line] = row.problems[0]
        else:
            cooked, _ = _words(row.raw, scope.acting_provinces(actor))
            to_save.append(
                {
                    **row.values,
                    "application_id": row.application_id,
                    "checks": check_values(cooked, row.values),
                }
            )
    with store.write() as conn:
        trail = audit.AuditTrail(conn, actor, session_id)
        created = insert_applications(
            conn, to_save, source="spreadsheet", actor=actor, source_file=preview.file_name
        )
        trail.add(
            "onboarding.application.import_sheet",
            "ob_application",
            None,
            None,
            {"file_name": preview.file_name, "created": created, "skipped": skipped},
        )
    return ImportResult(created, skipped, reasons)
