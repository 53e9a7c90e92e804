"""Write lake-shaped demo frames as upstream feed files, with a controlled share of defects.

Each feed comes out in the formats its upstream system really uses (docs/feeds.md): orders
and items as CSV and Parquet, settlements and payouts as CSV, tracking events as Thai and
English track-API JSON and as JSON Lines, applications as Windows-874 CSV with Buddhist-era
dates and Thai digits and as XLSX, listings as UTF-8 CSV with a BOM, the branch master as
CSV. About ``defect_share`` of each file's rows carry one realistic defect; the list of
injected defects is written to ``.defects.json`` next to the files (hidden, so loading a
whole folder skips it) for checks of the quarantine.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from etl.feeds.checks import THAI_DIGITS
from etl.feeds.specs import (
    APPLICATIONS,
    BRANCH_MASTER,
    LISTINGS,
    ORDER_ITEMS,
    ORDERS,
    PAYOUTS,
    SETTLEMENTS,
    TRACKING_API,
    Feed,
)
from etl.feeds.tracking_codes import STATUS_DESCRIPTIONS

MANIFEST_NAME = ".defects.json"
# Track-API files are cut at this many events: a real response holds far fewer, and one
# huge JSON document must be parsed in one piece.
MAX_EVENTS_PER_JSON = 1_500_000
_TS = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class Defect:
    field: str  # header in the file
    reason_code: str
    apply: Callable[[str | None, str | None], str]  # (value, other_row_value) -> bad value


def _neg(v: str | None, _: str | None) -> str:
    return "-" + (v or "1.00").lstrip("-") if (v or "1") not in ("0", "0.00") else "-5.00"


def _nan(_: str | None, __: str | None) -> str:
    return "N/A"


def _usd(_: str | None, __: str | None) -> str:
    return "USD"


def _iso_feb30(v: str | None, _: str | None) -> str:
    v = v or "2024-01-01 00:00:00"
    return v[:5] + "02-30" + v[10:]


def _dmy_feb31(v: str | None, _: str | None) -> str:
    v = v or "01/01/2567"
    return "31/02" + v[5:]


def _other(_: str | None, other: str | None) -> str:
    return other or "99999"


def _bump_last_digit(v: str | None, _: str | None) -> str:
    v = v or "0000000000000"
    digits = [i for i, ch in enumerate(v) if ch.isdigit()]
    i = digits[-1]
    return v[:i] + str((int(v[i]) + 1) % 10) + v[i + 1 :]


def _bump_s10(v: str | None, _: str | None) -> str:
    v = v or "EF000000000TH"
    return v[:10] + str((int(v[10]) + 1) % 10) + v[11:]


def _unknown(prefix: str) -> Callable[[str | None, str | None], str]:
    return lambda v, _: f"{prefix}{(v or '')[-6:]}"


def _drop_char(v: str | None, _: str | None) -> str:
    return (v or "12345")[:-1]


# Per feed: the defects drawn in turn for the chosen rows. Field names are file headers.
_DEFECTS: dict[str, tuple[Defect, ...]] = {
    "orders_csv": (
        Defect("total_thb", "negative_amount", _neg),
        Defect("subtotal_thb", "not_a_number", _nan),
        Defect("currency", "wrong_currency", _usd),
        Defect("ordered_at", "bad_date", _iso_feb30),
        Defect("buyer_postal_code", "postal_code_not_in_subdistrict", _other),
    ),
    # Parquet columns are typed: only defects a typed column can hold.
    "orders_parquet": (
        Defect("total_thb", "negative_amount", _neg),
        Defect("currency", "wrong_currency", _usd),
        Defect("buyer_postal_code", "postal_code_not_in_subdistrict", _other),
    ),
    "order_items": (
        Defect("order_id", "unknown_order", _unknown("ORD-UNKNOWN-")),
        Defect("unit_price_thb", "negative_amount", _neg),
    ),
    "settlements": (
        Defect("merchant_order_ref", "unknown_order", _unknown("ORD-UNKNOWN-")),
        Defect("currency", "wrong_currency", _usd),
        Defect("fee", "not_a_number", _nan),
        Defect("created_at", "bad_date", _iso_feb30),
    ),
    "payouts": (
        Defect("net_thb", "negative_amount", _neg),
        Defect("bank_account_no", "bad_bank_account", _drop_char),
    ),
    "tracking": (
        Defect("barcode", "bad_s10", _bump_s10),
        Defect("status_date", "bad_date", _dmy_feb31),
        Defect("branch_code", "unknown_branch", _unknown("ZZ-UNKNOWN-")),
    ),
    "tracking_jsonl": (
        Defect("barcode", "bad_s10", _bump_s10),
        Defect("status_date", "bad_date", _iso_feb30),
        Defect("branch_code", "unknown_branch", _unknown("ZZ-UNKNOWN-")),
    ),
    "applications": (
        Defect("national_id", "bad_national_id", _bump_last_digit),
        Defect("postal_code", "postal_code_not_in_subdistrict", _other),
        Defect("submitted_at", "bad_date", _dmy_feb31),
    ),
    "listings": (
        Defect("seller_id", "unknown_seller", _unknown("S-UNKNOWN-")),
        Defect("price_thb", "negative_amount", _neg),
        Defect("category_code", "unknown_value", lambda v, _: "electronics"),
    ),
    "branch_master": (
        Defect("postal_code", "postal_code_not_in_subdistrict", _other),
        Defect("lat", "not_a_number", _nan),
    ),
}


class _Manifest:
    def __init__(self) -> None:
        self.entries: list[dict] = []

    def add(self, file: Path, line: int, field: str, reason_code: str) -> None:
        self.entries.append(
            {"file": file.name, "line": line, "field": field, "reason_code": reason_code}
        )


def _as_text(df: pl.DataFrame, fmt: str = _TS) -> pl.DataFrame:
    """Every column as text the way an export writes it (decimals as 12.50, times as ISO)."""
    exprs = []
    for name, dtype in df.schema.items():
        col = pl.col(name)
        if dtype == pl.Datetime or isinstance(dtype, pl.Datetime):
            exprs.append(col.dt.strftime(fmt).alias(name))
        elif dtype == pl.Date:
            exprs.append(col.dt.strftime(fmt.split(" ")[0]).alias(name))
        elif dtype == pl.Boolean:
            exprs.append(pl.when(col).then(pl.lit("true")).otherwise(pl.lit("false")).alias(name))
        else:
            exprs.append(col.cast(pl.Utf8).alias(name))
    return df.select(exprs)


def _pick_rows(n: int, share: float, rng: np.random.Generator) -> np.ndarray:
    k = min(n, int(round(n * share)))
    if k == 0:
        return np.array([], dtype=np.int64)
    return np.sort(rng.choice(n, size=k, replace=False))


def _other_zone(values: pl.Series, i: int) -> str | None:
    """A postal code from another postal zone: it cannot belong to row i's subdistrict."""
    mine = values[i]
    for j in range(1, len(values)):
        cand = values[(i + j) % len(values)]
        if cand and mine and cand[0] != mine[0]:
            return cand
    return "99999"


def _inject(
    df: pl.DataFrame,
    defects: tuple[Defect, ...],
    share: float,
    rng: np.random.Generator,
) -> tuple[pl.DataFrame, list[tuple[int, str, str]]]:
    """Apply one defect to each chosen row; return the frame and (row, field, reason) list."""
    rows = _pick_rows(df.height, share, rng)
    applied: list[tuple[int, str, str]] = []
    columns = {d.field: df[d.field].to_list() for d in defects if d.field in df.columns}
    for n, i in enumerate(rows.tolist()):
        d = defects[n % len(defects)]
        if d.field not in columns:
            continue
        values = columns[d.field]
        other = _other_zone(df[d.field], i) if d.reason_code.startswith("postal") else None
        values[i] = d.apply(values[i], other)
        applied.append((i, d.field, d.reason_code))
    if applied:
        df = df.with_columns(
            pl.Series(name, vals, dtype=df.schema[name])
            for name, vals in columns.items()
            if df.schema[name] == pl.Utf8
        )
    return df, applied


def _inject_typed(
    df: pl.DataFrame, defects: tuple[Defect, ...], share: float, rng: np.random.Generator
) -> tuple[pl.DataFrame, list[tuple[int, str, str]]]:
    """Defects for a typed (Parquet) frame: text columns as text, amounts negated."""
    rows = _pick_rows(df.height, share, rng)
    applied: list[tuple[int, str, str]] = []
    edits: dict[str, dict[int, object]] = {}
    for n, i in enumerate(rows.tolist()):
        d = defects[n % len(defects)]
        if df.schema[d.field] == pl.Utf8:
            other = _other_zone(df[d.field], i) if d.reason_code.startswith("postal") else None
            value: object = d.apply(df[d.field][i], other)
        else:
            value = -abs(df[d.field][i] or 1) or -1
        edits.setdefault(d.field, {})[i] = value
        applied.append((i, d.field, d.reason_code))
    for name, changes in edits.items():
        values = df[name].to_list()
        for i, v in changes.items():
            values[i] = v
        df = df.with_columns(pl.Series(name, values, dtype=df.schema[name]))
    return df, applied


def _feed_columns(feed: Feed, df: pl.DataFrame) -> pl.DataFrame:
    """Lake columns renamed to the feed's headers, in the feed's order."""
    return df.select(pl.col(c.name).alias(c.header) for c in feed.columns if c.name in df.columns)


def _split(df: pl.DataFrame, key: str, seed: int, parts: int) -> list[pl.DataFrame]:
    bucket = pl.col(key).hash(seed) % parts
    return [df.filter(bucket == p) for p in range(parts)]


def _write_csv(df: pl.DataFrame, path: Path, encoding: str = "utf-8", bom: bool = False) -> None:
    if encoding == "utf-8":
        df.write_csv(path, include_bom=bom)
    else:
        text = df.write_csv()
        path.write_bytes(text.encode(encoding, errors="replace"))


def _record(manifest: _Manifest, path: Path, applied: list, first_line: int) -> None:
    for i, field, reason in applied:
        manifest.add(path, i + first_line, field, reason)


def _write_orders(frames, out, seed, share, rng, manifest) -> list[Path]:
    paths = []
    orders = frames.get("fct_order")
    items = frames.get("fct_order_item")
    order_parts = _split(orders, "order_id", seed, 2) if orders is not None else [None, None]
    for part, fmt in ((0, "csv"), (1, "parquet")):
        o = order_parts[part]
        if o is not None and o.height:
            o = _feed_columns(ORDERS, o)
            path = out / f"orders_part{part + 1}.{fmt}"
            if fmt == "csv":
                o, applied = _inject(_as_text(o), _DEFECTS["orders_csv"], share, rng)
                _write_csv(o, path)
                _record(manifest, path, applied, 2)
            else:
                o, applied = _inject_typed(o, _DEFECTS["orders_parquet"], share, rng)
                o.write_parquet(path)
                _record(manifest, path, applied, 1)
            paths.append(path)
        if items is not None and items.height:
            if orders is not None:
                ids = order_parts[part]["order_id"]
                it = items.filter(pl.col("order_id").is_in(ids.implode()))
            else:
                it = _split(items, "order_id", seed, 2)[part]
            if not it.height:
                continue
            it = _feed_columns(ORDER_ITEMS, it)
            path = out / f"order_items_part{part + 1}.{fmt}"
            if fmt == "csv":
                it, applied = _inject(_as_text(it), _DEFECTS["order_items"], share, rng)
                _write_csv(it, path)
                _record(manifest, path, applied, 2)
            else:
                it, applied = _inject_typed(it, _DEFECTS["order_items"], share, rng)
                it.write_parquet(path)
                _record(manifest, path, applied, 1)
            paths.append(path)
    return paths


def _write_simple_csv(df, feed, defects, out, name, share, rng, manifest) -> Path:
    df = _as_text(_feed_columns(feed, df))
    df, applied = _inject(df, defects, share, rng)
    path = out / name
    _write_csv(df, path)
    _record(manifest, path, applied, 2)
    return path


def _track_events(df: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Lake tracking events as track-API event objects (text fields), TH or EN."""
    idx = 0 if lang == "TH" else 1
    desc = {code: pair[idx] for code, pair in STATUS_DESCRIPTIONS.items()}
    year = pl.col("event_at").dt.year() + (543 if lang == "TH" else 0)
    status_date = pl.format(
        "{}/{}/{} {}+07:00",
        pl.col("event_at").dt.strftime("%d"),
        pl.col("event_at").dt.strftime("%m"),
        year.cast(pl.Utf8),
        pl.col("event_at").dt.strftime("%H:%M:%S"),
    )
    return df.select(
        pl.col("tracking_no").alias("barcode"),
        pl.col("status_code").alias("status"),
        pl.col("status_code")
        .replace_strict(desc, default=pl.col("status_description"), return_dtype=pl.Utf8)
        .alias("status_description"),
        status_date.alias("status_date"),
        pl.col("location").cast(pl.Utf8),
        pl.col("postcode").cast(pl.Utf8),
        pl.col("branch_code").cast(pl.Utf8),
        pl.col("delivery_status").cast(pl.Utf8),
        pl.lit(None, pl.Utf8).alias("delivery_description"),
        pl.lit(None, pl.Utf8).alias("delivery_datetime"),
        pl.col("receiver_name").cast(pl.Utf8),
        pl.lit(None, pl.Utf8).alias("signature"),
    )


def _write_track_json(events: pl.DataFrame, path: Path) -> pl.DataFrame:
    """One track-API response; returns events in document order (their record numbers)."""
    events = events.with_row_index("_i")
    first = events.group_by("barcode").agg(pl.col("_i").min().alias("_first"))
    ordered = events.join(first, on="barcode").sort("_first", "_i")
    body = (
        ordered.with_columns(pl.struct(pl.exclude("^_.*$")).struct.json_encode().alias("_json"))
        .group_by("_first", "barcode", maintain_order=True)
        .agg(pl.col("_json").str.join(",").alias("_events"))
        .select(pl.format('"{}":[{}]', pl.col("barcode"), pl.col("_events")).alias("_item"))
    )
    items = body["_item"].str.join(",")[0] if body.height else ""
    count = json.dumps({"track_date": "", "count_number": int(body.height), "track_count_limit": 0})
    path.write_text(
        '{"response":{"items":{' + items + '},"track_count":' + count + "},"
        '"message":"successful","status":true}',
        encoding="utf-8",
    )
    return ordered.drop("_first")


def _write_tracking(df, out, seed, share, rng, manifest) -> list[Path]:
    paths = []
    parts = _split(df, "tracking_no", seed, 3)
    for part, (kind, lang) in enumerate((("json", "TH"), ("json", "EN"), ("jsonl", "EN"))):
        ev = parts[part]
        if not ev.height:
            continue
        if kind == "jsonl":
            # The webhook sends ISO 8601 times with the offset.
            ev = _track_events(ev, lang).with_columns(
                pl.format(
                    "{}+07:00", parts[part]["event_at"].dt.strftime("%Y-%m-%dT%H:%M:%S")
                ).alias("status_date")
            )
            ev, applied = _inject(ev, _DEFECTS["tracking_jsonl"], share, rng)
            path = out / "tracking_events.jsonl"
            ev.write_ndjson(path)
            _record(manifest, path, applied, 1)
            paths.append(path)
            continue
        ev = _track_events(ev, lang)
        ev, applied = _inject(ev, _DEFECTS["tracking"], share, rng)
        bad = {i: (f, r) for i, f, r in applied}
        chunks = max(1, -(-ev.height // MAX_EVENTS_PER_JSON))
        ev = ev.with_row_index("_orig")
        # Chunk by barcode so one item's events stay in one response.
        for c, chunk in enumerate(_split(ev, "barcode", seed + 1, chunks) if chunks > 1 else [ev]):
            suffix = f"_{c + 1:03d}" if chunks > 1 else ""
            path = out / f"track_{lang.lower()}{suffix}.json"
            ordered = _write_track_json(chunk, path)
            for rec, orig in enumerate(ordered["_orig"].to_list(), start=1):
                if orig in bad:
                    manifest.add(path, rec, *bad[orig])
            paths.append(path)
    return paths


def _thai_digits(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace_many(list("0123456789"), list(THAI_DIGITS))


def _dashed_pin(expr: pl.Expr) -> pl.Expr:
    """N-PPDD-GGGGG-SS-C, the way the ID is printed on the card."""
    return pl.format(
        "{}-{}-{}-{}-{}",
        expr.str.slice(0, 1),
        expr.str.slice(1, 4),
        expr.str.slice(5, 5),
        expr.str.slice(10, 2),
        expr.str.slice(12, 1),
    )


def _be_date(expr: pl.Expr) -> pl.Expr:
    return pl.format(
        "{}/{}/{} {}",
        expr.dt.strftime("%d"),
        expr.dt.strftime("%m"),
        (expr.dt.year() + 543).cast(pl.Utf8),
        expr.dt.strftime("%H:%M"),
    )


def _write_xlsx(df: pl.DataFrame, path: Path, sheet: str) -> None:
    """Text cells, as an officer's sheet holds them (openpyxl: a core dependency)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.append(df.columns)
    for row in df.iter_rows():
        ws.append(list(row))
    wb.save(path)


def _write_applications(df, out, seed, share, rng, manifest) -> list[Path]:
    paths = []
    csv_part, xlsx_part = _split(df, "application_id", seed, 2)
    if csv_part.height:
        # Officers' Excel on Windows: cp874, Buddhist-era dates, dashed IDs, Thai digits
        # in every third row.
        ts_cols = [c for c, t in csv_part.schema.items() if isinstance(t, pl.Datetime)]
        text = _as_text(
            csv_part.with_columns(_be_date(pl.col(c)).alias(c) for c in ts_cols).with_columns(
                pl.when(pl.col("national_id").str.len_chars() == 13)
                .then(_dashed_pin(pl.col("national_id")))
                .otherwise(pl.col("national_id"))
                .alias("national_id")
            )
        )
        text = _feed_columns(APPLICATIONS, text)
        text, applied = _inject(text, _DEFECTS["applications"], share, rng)
        thai_row = pl.int_range(pl.len()) % 3 == 0
        text = text.with_columns(
            pl.when(thai_row).then(_thai_digits(pl.col(c))).otherwise(pl.col(c)).alias(c)
            for c in ("national_id", "submitted_at", "decided_at", "updated_at", "phone")
            if c in text.columns
        )
        path = out / "applications.csv"
        _write_csv(text, path, encoding="cp874")
        _record(manifest, path, applied, 2)
        paths.append(path)
    if xlsx_part.height:
        text = _feed_columns(APPLICATIONS, _as_text(xlsx_part))
        text, applied = _inject(text, _DEFECTS["applications"], share, rng)
        path = out / "applications.xlsx"
        _write_xlsx(text, path, "applications")
        _record(manifest, path, applied, 2)
        paths.append(path)
    return paths


def write_demo_feeds(
    frames: dict[str, pl.DataFrame], out_dir: Path, seed: int, defect_share: float = 0.02
) -> list[Path]:
    """Write the feed files for whichever lake-shaped frames are given; return their paths.

    Keys: fct_order, fct_order_item, fct_settlement, fct_payout, fct_tracking_event,
    seller_application, dim_listing, dim_branch. Deterministic for a seed.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    manifest = _Manifest()
    paths: list[Path] = []
    if "fct_order" in frames or "fct_order_item" in frames:
        paths += _write_orders(frames, out, seed, defect_share, rng, manifest)
    if (df := frames.get("fct_settlement")) is not None and df.height:
        paths.append(
            _write_simple_csv(
                df,
                SETTLEMENTS,
                _DEFECTS["settlements"],
                out,
                "settlements.csv",
                defect_share,
                rng,
                manifest,
            )
        )
    if (df := frames.get("fct_payout")) is not None and df.height:
        paths.append(
            _write_simple_csv(
                df, PAYOUTS, _DEFECTS["payouts"], out, "payouts.csv", defect_share, rng, manifest
            )
        )
    if (df := frames.get("fct_tracking_event")) is not None and df.height:
        paths += _write_tracking(df, out, seed, defect_share, rng, manifest)
    if (df := frames.get("seller_application")) is not None and df.height:
        paths += _write_applications(df, out, seed, defect_share, rng, manifest)
    if (df := frames.get("dim_listing")) is not None and df.height:
        text = _as_text(_feed_columns(LISTINGS, df))
        text, applied = _inject(text, _DEFECTS["listings"], defect_share, rng)
        path = out / "listings.csv"
        _write_csv(text, path, bom=True)
        _record(manifest, path, applied, 2)
        paths.append(path)
    if (df := frames.get("dim_branch")) is not None and df.height:
        paths.append(
            _write_simple_csv(
                df,
                BRANCH_MASTER,
                _DEFECTS["branch_master"],
                out,
                "branch_master.csv",
                defect_share,
                rng,
                manifest,
            )
        )
    (out / MANIFEST_NAME).write_text(
        json.dumps(manifest.entries, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return paths


__all__ = ["MANIFEST_NAME", "TRACKING_API", "write_demo_feeds"]
