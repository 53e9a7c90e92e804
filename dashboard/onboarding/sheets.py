"""Provincial spreadsheets: an office's sheet of seller applications, previewed row by row
— every bad row with its problems, nothing saved — and then only the confirmed good rows
saved, checked again at that moment.

A sheet is read by the ETL's applications reader (CSV in UTF-8 with or without BOM or
Windows-874, or XLSX), told that a provincial sheet needs fewer columns than the feed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import select

from dashboard.errors import ValidationFailed
from dashboard.identity import audit
from dashboard.identity.user import User
from dashboard.onboarding import scope, store, validators
from dashboard.onboarding.imports import check_values, insert_applications, normalize
from dashboard.onboarding.validators import CheckResult
from etl.feeds import APPLICATIONS, LINE, FeedReadError, parse_datetime_series, read_feed
from warehouse.ops_schema_onboarding import ob_application

# Columns a provincial spreadsheet must have; the rest are optional.
SHEET_REQUIRED_COLUMNS = (
    "seller_type",
    "name_th",
    "national_id",
    "subdistrict_code",
    "postal_code",
)
# The ETL's applications feed, minus what a provincial sheet does not carry (its own id,
# status and dates): same encodings, same formats, fewer required columns.
SHEET_FEED = dataclasses.replace(
    APPLICATIONS,
    name="provincial_sheet",
    columns=tuple(
        dataclasses.replace(c, required=c.name in SHEET_REQUIRED_COLUMNS)
        for c in APPLICATIONS.columns
    ),
)
# A provincial office's sheet lists its groups: hundreds of rows, a few thousand at most.
# Beyond these the file is refused whole with a message, before it can fill the page.
MAX_SHEET_MB = 10
MAX_SHEET_ROWS = 5_000
_GOOD_COLUMNS = {
    "name_th": pl.Utf8,
    "seller_type": pl.Utf8,
    "national_id": pl.Utf8,
    "district_code": pl.Utf8,
    "submitted_at": pl.Datetime("us"),
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
        """One row per problem: line, field check, message key and its params (JSON)."""
        rows = [
            {
                "line_no": r.line_no,
                "check": p.check,
                "key": p.key,
                "params": json.dumps(p.params, ensure_ascii=False),
            }
            for r in self.rows
            for p in r.problems
        ]
        return pl.DataFrame(
            rows, schema={"line_no": pl.Int64, "check": pl.Utf8, "key": pl.Utf8, "params": pl.Utf8}
        )


@dataclass(frozen=True)
class ImportResult:
    created: list[str]
    skipped: dict[int, str]  # line → message key of why it was not imported


def read_sheet(data: bytes, file_name: str) -> pl.DataFrame:
    """A spreadsheet's cells as text, with ``_line`` (the header is line 1).

    Reading is the ETL's applications reader (CSV in UTF-8 with or without BOM or
    Windows-874, or XLSX), told that a provincial sheet needs fewer columns than the feed.
    """
    suffix = Path(file_name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationFailed("onboarding.import.unsupported_format", file_name=file_name)
    if len(data) > MAX_SHEET_MB * 1024 * 1024:
        raise ValidationFailed("onboarding.import.file_too_large", max_mb=MAX_SHEET_MB)
    with tempfile.TemporaryDirectory(prefix="postmart-sheet-") as tmp:
        path = Path(tmp) / f"sheet{suffix}"
        path.write_bytes(data)
        try:
            df = read_feed(path, SHEET_FEED)
        except FeedReadError as exc:
            raise ValidationFailed("onboarding.import.unreadable", problem=exc.problem) from None
    if df.height > MAX_SHEET_ROWS:
        raise ValidationFailed(
            "onboarding.import.too_many_rows", rows=df.height, max_rows=MAX_SHEET_ROWS
        )
    return df.rename({c: c.strip().lower() for c in df.columns if c != LINE})


def _parse_submitted(values: Iterable[Any]) -> list[datetime | None]:
    """BE or CE, ISO or day-first, Thai digits allowed (the ETL's parser does the work)."""
    s = pl.Series("v", [validators.ascii_digits(v) or None for v in values], dtype=pl.Utf8)
    return parse_datetime_series(s).to_list()


def _sheet_id(values: Mapping[str, Any]) -> str:
    # Deterministic, so the same sheet imported twice is recognised, not doubled.
    key = "|".join(
        str(values.get(f) or "") for f in ("national_id", "seller_type", "name_th", "province_code")
    )
    return "SH-" + hashlib.sha256(key.encode()).hexdigest()[:12].upper()


def preview_frame(actor: User | None, df: pl.DataFrame, file_name: str) -> ImportPreview:
    """Every row's problems; nothing is saved."""
    provinces = scope.acting_provinces(actor)
    missing = [c for c in SHEET_REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise ValidationFailed("onboarding.import.missing_columns", columns=", ".join(missing))
    raws = df.to_dicts()
    dates = _parse_submitted(r.get("submitted_at") for r in raws)
    seen_ids: dict[str, int] = {}
    rows: list[PreviewRow] = []
    for i, (raw, submitted_at) in enumerate(zip(raws, dates, strict=True)):
        line = int(raw.get("_line") or i + 2)
        values = normalize(raw)
        problems = validators.errors(check_values(raw, values))
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
            problems.append(
                CheckResult(
                    "scope",
                    False,
                    "onboarding.import.province_not_in_scope",
                    {"province_code": prov},
                )
            )
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
    return ImportPreview(file_name, rows)


def preview_spreadsheet(actor: User | None, data: bytes, file_name: str) -> ImportPreview:
    return preview_frame(actor, read_sheet(data, file_name), file_name)


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
    frame = pl.DataFrame(raws, schema={c: pl.Utf8 for c in columns})
    fresh = {r.line_no: r for r in preview_frame(actor, frame, preview.file_name).rows}
    to_save, skipped = [], {}
    for line in sorted(wanted):
        row = fresh.get(line)
        if row is None:
            skipped[line] = "onboarding.import.unknown_line"
        elif not row.ok:
            skipped[line] = row.problems[0].key
        else:
            to_save.append(
                {
                    **row.values,
                    "application_id": row.application_id,
                    "checks": check_values(row.raw, row.values),
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
    return ImportResult(created, skipped)
