"""A provincial sheet's columns: read as the office saved it (Thai or English headers, CSV
in UTF-8 or Windows-874, or XLSX), each column matched to an application field by the
header dictionary, by the office's remembered mapping, or by the officer in the mapping
step — before any row is checked.

Refusals of a whole file say what is wrong in the user's language (catalog keys
``sheets.file.*``); the ETL reader's English problem text never reaches the page.
"""

from __future__ import annotations

import dataclasses
import json
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy import select

from dashboard import i18n
from dashboard.errors import ValidationFailed
from dashboard.identity import audit
from dashboard.identity.user import User
from dashboard.onboarding import scope, store
from etl.feeds import APPLICATIONS, LINE, FeedReadError, field_of, header_key, read_feed
from warehouse.ops_schema_sheets import ob_sheet_mapping

# The fields a sheet's column may be mapped to, in the order the mapping step offers them.
SHEET_FIELDS: tuple[str, ...] = (
    "seller_type",
    "name_th",
    "name_en",
    "national_id",
    "juristic_id",
    "ce_registration_code",
    "count_members",
    "is_low_income",
    "house_no",
    "moo",
    "address_line",
    "subdistrict_code",
    "district_code",
    "province_code",
    "postal_code",
    "phone",
    "bank_code",
    "bank_account_no",
    "promptpay_proxy",
    "digital_centre_id",
    "submitted_at",
)
# Without these a sheet's rows cannot be judged; the mapping step marks them.
REQUIRED_FIELDS: tuple[str, ...] = (
    "seller_type",
    "name_th",
    "national_id",
    "subdistrict_code",
    "postal_code",
)
# A provincial office's sheet lists its groups: hundreds of rows, a few thousand at most.
# Beyond these the file is refused whole with a message, before it can fill the page.
MAX_SHEET_MB = 10
MAX_SHEET_ROWS = 5_000
# The reader, told no column is required: the header dictionary decides what is there.
_READER = dataclasses.replace(
    APPLICATIONS,
    name="provincial_sheet",
    in_words=False,  # the sheet's own columns: its mapping step renames them
    columns=tuple(dataclasses.replace(c, required=False) for c in APPLICATIONS.columns),
)
_UNNAMED = re.compile(r"^__UNNAMED__\d+$")
_DUPLICATED = re.compile(r"_duplicated_\d+$")


def field_label(field: str, lang: str) -> str:
    return i18n.translate(f"sheets.field.{field}", lang)


def localized(params: Mapping[str, object], lang: str) -> dict[str, object]:
    """Message params for one language: a service names things in words in both (it does
    not know the reader's language), ``fields_th`` and ``fields_en``; the reader's becomes
    ``fields``, the placeholder both catalogs use."""
    out = {k: v for k, v in params.items() if not k.endswith(("_th", "_en"))}
    out.update({k[:-3]: v for k, v in params.items() if k.endswith(f"_{lang}")})
    return out


def field_labels(fields: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Params naming fields in both languages (see ``localized``)."""
    return {
        f"fields_{lang}": ", ".join(field_label(f, lang) for f in fields) for lang in ("th", "en")
    }


def column_letter(position: int) -> str:
    """Spreadsheet letters for a 1-based column: 1 → A, 27 → AA."""
    letters = ""
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class SheetColumn:
    name: str  # the column's name in the frame (unique)
    header: str  # as the file writes it ("" for a column without a header)
    letter: str  # A, B, C… as a spreadsheet shows it
    sample: str  # the first value, to recognise the column by
    field: str | None  # proposed field; None is "ignore"
    source: str | None  # "dictionary", "remembered" or None (nobody knew it)

    @property
    def title(self) -> str:
        """How messages name the column: its header, else its letter."""
        return self.header or self.letter


@dataclass(frozen=True)
class SheetLayout:
    file_name: str
    columns: tuple[SheetColumn, ...]
    count_rows: int

    @property
    def mapping(self) -> dict[str, str | None]:
        return {c.name: c.field for c in self.columns}

    @property
    def remembered(self) -> bool:
        return any(c.source == "remembered" for c in self.columns)

    @property
    def needs_mapping(self) -> bool:
        """The mapping step is shown when a column's header is not in the dictionary or a
        required field has no column; a sheet of known headers goes straight to its rows."""
        unknown = any(c.source != "dictionary" and c.sample for c in self.columns)
        return unknown or bool(missing_required(self.mapping))


def missing_required(mapping: Mapping[str, str | None]) -> list[str]:
    chosen = set(mapping.values())
    return [f for f in REQUIRED_FIELDS if f not in chosen]


def office_of(actor: User | None) -> str:
    """The office a mapping is remembered for: the officer's provinces (all for admins)."""
    provinces = scope.acting_provinces(actor)
    return "*" if provinces is None else ",".join(sorted(provinces))


# Refusals the import page had before sheets (their keys kept), then the sheets' own.
_REFUSALS = {
    "unsupported_format": "onboarding.import.unsupported_format",
    "too_large": "onboarding.import.file_too_large",
    "too_many_rows": "onboarding.import.too_many_rows",
}


def _refuse(key: str, **params: object) -> ValidationFailed:
    return ValidationFailed(_REFUSALS.get(key, f"sheets.file.{key}"), **params)


def read_frame(data: bytes, file_name: str) -> pl.DataFrame:
    """A sheet's cells as text under its own headers, with ``_line`` (the header is line 1).

    A template's second header row (the headers in the other language) is dropped.
    """
    suffix = Path(file_name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise _refuse("unsupported_format", file_name=file_name)
    if len(data) > MAX_SHEET_MB * 1024 * 1024:
        raise _refuse("too_large", max_mb=MAX_SHEET_MB)
    if not data.strip():
        raise _refuse("empty", file_name=file_name)
    if suffix == ".csv" and b"\x00" in data[: 64 * 1024]:
        raise _refuse("binary", file_name=file_name)
    if suffix == ".xlsx" and not data.startswith(b"PK"):
        raise _refuse("not_xlsx", file_name=file_name)
    with tempfile.TemporaryDirectory(prefix="postmart-sheet-") as tmp:
        path = Path(tmp) / f"sheet{suffix}"
        path.write_bytes(data)
        try:
            df = read_feed(path, _READER)
        except FeedReadError as exc:
            key = "encoding" if "encoding" in exc.problem else "unreadable"
            raise _refuse(key, file_name=file_name) from None
    if df.height > MAX_SHEET_ROWS:
        raise _refuse("too_many_rows", rows=df.height, max_rows=MAX_SHEET_ROWS)
    df = _below_title_rows(df)
    if df.height and _is_header_row(df.row(0, named=True)):
        df = df.slice(1)
    return df


# An office's sheet often starts with a title ("รายชื่อกลุ่ม … จังหวัดพังงา") or a blank row
# above its headers: the header row is the first of these that names three fields.
_TITLE_ROWS = 5
_HEADER_HITS = 3


def _below_title_rows(df: pl.DataFrame) -> pl.DataFrame:
    names = [c for c in df.columns if c != LINE]
    if sum(1 for c in names if field_of(_header(c))) >= _HEADER_HITS:
        return df
    for i in range(min(_TITLE_ROWS, df.height)):
        cells = [df[c][i] for c in names]
        if sum(1 for v in cells if v and field_of(v)) < _HEADER_HITS:
            continue
        headers: list[str] = []
        for j, v in enumerate(cells):
            h = str(v).strip() if v else ""
            h = h or f"__UNNAMED__{j}"
            while h in headers:
                h += "_duplicated_0"
            headers.append(h)
        return df.slice(i + 1).rename(dict(zip(names, headers, strict=True)))
    return df


def _is_header_row(row: Mapping[str, object]) -> bool:
    """Row 2 of the template repeats the headers in the other language."""
    cells = [(c, v) for c, v in row.items() if c != LINE and v]
    same = [c for c, v in cells if field_of(v) is not None and field_of(v) == field_of(_header(c))]
    return len(cells) >= 3 and len(same) * 2 > len(cells)


def _header(name: str) -> str:
    if _UNNAMED.match(name) or not name.strip():
        return ""
    return _DUPLICATED.sub("", name).strip()


def _remembered(actor: User | None) -> dict[str, str]:
    with store.read() as conn:
        text = conn.execute(
            select(ob_sheet_mapping.c.mapping_json).where(
                ob_sheet_mapping.c.office == office_of(actor)
            )
        ).scalar_one_or_none()
    return json.loads(text) if text else {}


def layout_of(actor: User | None, df: pl.DataFrame, file_name: str) -> SheetLayout:
    """Each column with its proposed field: the office's remembered choice for this header
    first (an officer chose it), else the header dictionary's; a field goes to one column."""
    remembered = _remembered(actor)
    taken: set[str] = set()
    columns = []
    names = [c for c in df.columns if c != LINE]
    for position, name in enumerate(names, start=1):
        header = _header(name)
        key = header_key(header)
        field: str | None
        if header and key in remembered:
            field, source = remembered[key] or None, "remembered"
        else:
            field = field_of(header) if header else None
            source = "dictionary" if field else None
        if field is not None and (field in taken or field not in SHEET_FIELDS):
            field, source = None, None
        if field is not None:
            taken.add(field)
        values = df[name].drop_nulls()
        values = values.filter(values.str.strip_chars() != "")
        sample = str(values[0]).strip()[:60] if len(values) else ""
        columns.append(SheetColumn(name, header, column_letter(position), sample, field, source))
    return SheetLayout(file_name, tuple(columns), df.height)


def inspect_sheet(actor: User | None, data: bytes, file_name: str) -> SheetLayout:
    """The sheet's columns and their proposed fields; no row is checked yet."""
    scope.acting_provinces(actor)  # read-only roles are refused before the file is read
    return layout_of(actor, read_frame(data, file_name), file_name)


def check_mapping(mapping: Mapping[str, str | None]) -> None:
    """A field at most once; every required field given a column."""
    chosen = [f for f in mapping.values() if f]
    unknown = [f for f in chosen if f not in SHEET_FIELDS]
    if unknown:
        raise ValidationFailed("sheets.mapping.unknown_field", field=unknown[0])
    twice = sorted({f for f in chosen if chosen.count(f) > 1}, key=SHEET_FIELDS.index)
    if twice:
        raise ValidationFailed("sheets.mapping.twice", **field_labels(twice))
    missing = missing_required(mapping)
    if missing:
        raise ValidationFailed("sheets.mapping.missing_required", **field_labels(missing))


def remember_mapping(
    actor: User | None,
    layout: SheetLayout,
    mapping: Mapping[str, str | None],
    *,
    session_id: str | None = None,
) -> None:
    """Keep the office's mapping (by header, so the next file's same headers get it)."""
    office = office_of(actor)
    by_header = {
        header_key(c.header): mapping.get(c.name) or "" for c in layout.columns if c.header
    }
    user_id, username = store.actor_fields(actor)
    with store.write() as conn:
        before_text = conn.execute(
            select(ob_sheet_mapping.c.mapping_json).where(ob_sheet_mapping.c.office == office)
        ).scalar_one_or_none()
        before = json.loads(before_text) if before_text else {}
        merged = {**before, **by_header}
        if merged == before:
            return
        row = {
            "mapping_json": json.dumps(merged, ensure_ascii=False, sort_keys=True),
            "updated_at": store.now(),
            "updated_by": user_id,
            "updated_by_name": username,
        }
        if before_text is None:
            conn.execute(ob_sheet_mapping.insert().values(office=office, **row))
        else:
            conn.execute(
                ob_sheet_mapping.update().where(ob_sheet_mapping.c.office == office).values(**row)
            )
        audit.AuditTrail(conn, actor, session_id).add(
            "onboarding.sheet_mapping.save", "ob_sheet_mapping", office, before, merged
        )


def mapped_frame(
    df: pl.DataFrame, layout: SheetLayout, mapping: Mapping[str, str | None]
) -> tuple[pl.DataFrame, dict[str, SheetColumn]]:
    """The sheet's cells under field names (text), and each field's file column."""
    check_mapping(mapping)
    chosen = {c.name: mapping[c.name] for c in layout.columns if mapping.get(c.name)}
    frame = df.select(
        pl.col(LINE), *[pl.col(name).cast(pl.Utf8).alias(f) for name, f in chosen.items()]
    )
    by_name = {c.name: c for c in layout.columns}
    return frame, {f: by_name[name] for name, f in chosen.items()}
