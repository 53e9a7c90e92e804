"""Validation: parse every column, apply the feed's domain rules, split good rows from bad.

All of it is column-at-a-time polars. A row is bad when any of its fields is; it then
goes to quarantine whole, with one quarantine entry per bad field (the first failing rule
of that field). Counts are of rows: read = loaded + quarantined.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from etl.feeds.checks import (
    bank_account_length_ok_expr,
    digits_only,
    parse_datetime_expr,
    s10_valid_expr,
    thai_digits_to_arabic,
    thai_id_valid_expr,
)
from etl.feeds.feed_words import values_in_words
from etl.feeds.readers import LINE
from etl.feeds.specs import Column, Feed

ERR = "_err_"  # prefix of a field's reason-code column

# reason_code -> human reason (the field name is put in front).
REASONS: dict[str, str] = {
    "missing_value": "a required value is missing",
    "not_a_number": "not a number",
    "not_an_integer": "not a whole number",
    "not_digits": "must contain digits only (dashes and spaces are allowed)",
    "bad_date": "not a valid date or time (impossible date or unknown format)",
    "bad_boolean": "not a yes/no value",
    "too_many_decimals": "more than 2 decimal places (amounts are baht and satang)",
    "negative_amount": "must not be negative",
    "unknown_value": "not one of the allowed values",
    "wrong_currency": "currency must be THB",
    "bad_s10": "not a valid S10 tracking number (format or check digit)",
    "bad_national_id": "not a valid Thai national ID (stdnum.th.pin)",
    "bad_juristic_id": "not a valid juristic person ID (stdnum.th.moa)",
    "bad_registration_code": "a community enterprise code has 12 digits",
    "bad_bank_account": "account number does not have its bank's length",
    "unknown_subdistrict": "subdistrict code not in the reference geography",
    "postal_code_not_in_subdistrict": "postal code does not belong to the subdistrict",
    "unknown_branch": "branch code not in the branch network",
    "unknown_order": "refers to an order that is neither in this load nor in the lake",
    "unknown_seller": "refers to a seller not in the lake",
    "unknown_digital_centre": "digital centre ID not in the lake's digital centres",
    "outside_thailand": "coordinates outside Thailand",
    "duplicate_in_file": "the same record appears again later in this file (the later one wins)",
    "too_long": "longer than this field may be (see docs/feeds.md, limits)",
}

_TRUE = ("true", "t", "1", "yes", "y", "ใช่", "จริง")
_FALSE = ("false", "f", "0", "no", "n", "ไม่ใช่", "ไม่จริง", "เท็จ")
_DECIMAL = pl.Decimal(14, 2)
# Thailand's bounding box, with a margin for islands.
_TH_LAT = (5.3, 20.6)
_TH_LON = (97.2, 105.8)


class LakeLookups:
    """What validation needs to know about the lake. The loader implements it."""

    def postal_pairs(self) -> pl.DataFrame | None:
        """(subdistrict_code, postal_code) pairs, or None when no reference is loaded."""
        raise NotImplementedError

    def unknown(self, table: str, column: str, values: pl.Series) -> pl.Series:
        """The distinct values that do not occur in table.column."""
        raise NotImplementedError

    def has_rows(self, table: str) -> bool:
        """Whether the table holds any row."""
        raise NotImplementedError


@dataclass
class Validated:
    good: pl.DataFrame  # lake columns of the good rows (table order applied by the loader)
    quarantine: pl.DataFrame  # line_no, field, value, reason_code, reason, record
    count_read: int
    count_quarantined: int
    notes: list[str]


def _null_if_blank(expr: pl.Expr) -> pl.Expr:
    s = expr.str.strip_chars()
    return pl.when(s == "").then(None).otherwise(s)


def _prepare(raw: pl.DataFrame, feed: Feed) -> pl.DataFrame:
    """Blank → null, padding stripped, Thai digits → 0-9, amount separators dropped.

    One cheap scan finds which text columns need any of it, so a clean machine export
    pays for a regex test, not for rewriting a million strings per column.
    """
    text = [n for n, d in raw.schema.items() if n != LINE and d == pl.Utf8]
    amounts = {
        c.header for c in feed.columns if c.kind in ("int", "decimal", "float") and c.header in text
    }
    probes = [pl.col(n).str.contains(r"^\s|\s$|^$").any().alias(n) for n in text] + [
        pl.col(n).str.contains(r"[,฿]").any().alias("_amount_" + n) for n in amounts
    ]
    if feed.thai_text:
        probes += [pl.col(n).str.contains(r"[๐-๙]").any().alias("_thai_" + n) for n in text]
    found = raw.select(probes).row(0, named=True) if probes and raw.height else {}
    exprs = []
    for n in text:
        e = pl.col(n)
        changed = False
        if found.get("_thai_" + n):
            e, changed = thai_digits_to_arabic(e), True
        if found.get(n):
            e, changed = _null_if_blank(e), True
        if found.get("_amount_" + n):
            e, changed = e.str.replace_all(r"[,฿\s]", ""), True
        if changed:
            exprs.append(e.alias(n))
    return raw.with_columns(exprs) if exprs else raw


def _value_expr(col: Column, dtype: pl.DataType, feed: Feed) -> pl.Expr:
    """The typed value of one column (null where it does not parse)."""
    src = pl.col(col.header)
    if col.kind in ("text", "id"):
        return src.cast(pl.Utf8)
    if col.kind == "digits":
        v = digits_only(src.cast(pl.Utf8))
        return pl.when(v.str.starts_with("+66")).then(pl.lit("0") + v.str.slice(3)).otherwise(v)
    if col.kind in ("int", "decimal", "float"):
        target = {"int": pl.Int64, "decimal": _DECIMAL, "float": pl.Float64}[col.kind]
        return src.cast(target, strict=False)
    if col.kind in ("timestamp", "date"):
        if isinstance(dtype, pl.Datetime):
            if dtype.time_zone is not None:
                src = src.dt.convert_time_zone("Asia/Bangkok").dt.replace_time_zone(None)
            return src.cast(pl.Datetime("us"))
        if dtype == pl.Date:
            return src.cast(pl.Datetime("us"))
        fast = feed.timestamp_format if col.kind == "timestamp" else "%Y-%m-%d"
        if fast is None:
            return parse_datetime_expr(src)
        # The general parser runs later, only on a column where the fast format missed.
        return src.str.to_datetime(fast, strict=False, time_unit="us")
    if col.kind == "bool":
        if dtype == pl.Boolean:
            return src
        low = src.cast(pl.Utf8).str.to_lowercase()
        return pl.when(low.is_in(_TRUE)).then(True).when(low.is_in(_FALSE)).then(False)
    raise ValueError(f"unknown kind {col.kind}")  # pragma: no cover


def _sub_satang(src: pl.Expr, dtype: pl.DataType | None) -> pl.Expr | None:
    """True where an amount has a non-zero digit past the second decimal (``12.345``): the
    decimal cast would round it silently, so it is quarantined instead."""
    if dtype == pl.Utf8:
        return src.str.contains(r"\.\d{2}\d*[1-9]")
    if dtype is not None and dtype.is_float():
        return ((src * 100).round(0) - src * 100).abs() > 1e-6
    return None


def _columns_past_satang(raw: pl.DataFrame, feed: Feed) -> set[str]:
    """The amount columns that may hold a digit past the satang. Text columns are probed
    with a cheap literal search (more than two characters after the point) so a clean
    export never pays for the exact per-row rule; float columns are always checked."""
    text, out = [], set()
    for c in feed.columns:
        if c.kind != "decimal" or c.header not in raw.columns:
            continue
        dtype = raw.schema[c.header]
        if dtype.is_float():
            out.add(c.header)
        elif dtype == pl.Utf8:
            text.append(c.header)
    if text and raw.height:
        probe = raw.select(
            (pl.col(h).str.len_bytes() - pl.col(h).str.find(".", literal=True) > 3).any().alias(h)
            for h in text
        ).row(0, named=True)
        out.update(h for h in text if probe[h])
    return out


def _columns_too_long(raw: pl.DataFrame, feed: Feed) -> set[str]:
    """Text columns whose longest value may pass its limit. One cheap probe (the longest
    value in bytes, never fewer than its characters) spares a clean file the exact rule."""
    text = [
        c
        for c in feed.columns
        if c.max_length is not None and c.header in raw.columns and raw.schema[c.header] == pl.Utf8
    ]
    if not text or not raw.height:
        return set()
    longest = raw.select(pl.col(c.header).str.len_bytes().max() for c in text).row(0, named=True)
    return {c.header for c in text if (longest[c.header] or 0) > c.max_length}


def _error_expr(
    col: Column, value: pl.Expr, raw_dtype: pl.DataType | None = None, long_text: bool = False
) -> pl.Expr:
    """The first failing rule of one column as a reason code, else null."""
    present = pl.col(col.header).is_not_null()
    chain = pl.when(~present).then(pl.lit("missing_value" if col.required else None, pl.Utf8))
    if long_text:
        chain = chain.when(pl.col(col.header).str.len_chars() > col.max_length).then(
            pl.lit("too_long")
        )
    bad_value = {
        "digits": ("not_digits", ~value.str.contains(r"^[0-9]+$")),
        "int": ("not_an_integer", value.is_null()),
        "decimal": ("not_a_number", value.is_null()),
        "float": ("not_a_number", value.is_null()),
        "timestamp": ("bad_date", value.is_null()),
        "date": ("bad_date", value.is_null()),
        "bool": ("bad_boolean", value.is_null()),
    }.get(col.kind)
    if bad_value is not None:
        chain = chain.when(bad_value[1]).then(pl.lit(bad_value[0]))
    if col.kind == "decimal":
        extra = _sub_satang(pl.col(col.header), raw_dtype)
        if extra is not None:
            chain = chain.when(extra).then(pl.lit("too_many_decimals"))
    if col.non_negative:
        chain = chain.when(value < 0).then(pl.lit("negative_amount"))
    if col.choices is not None:
        chain = chain.when(~value.is_in(list(col.choices))).then(pl.lit("unknown_value"))
    return chain.otherwise(pl.lit(None, pl.Utf8))


def _parse_all(raw: pl.DataFrame, feed: Feed) -> tuple[pl.DataFrame, dict[str, pl.Series]]:
    """All columns parsed and checked in parallel selects: (typed frame, reason per field)."""
    missing = [c.header for c in feed.columns if c.header not in raw.columns]
    if missing:
        raw = raw.with_columns(pl.lit(None, pl.Utf8).alias(h) for h in missing)
    typed = raw.select(
        pl.col(LINE),
        *[_value_expr(c, raw.schema[c.header], feed).alias(c.name) for c in feed.columns],
    )
    # Second chance for dates a fast format missed (one odd row in a big export).
    retry = [
        c
        for c in feed.columns
        if c.kind in ("timestamp", "date")
        and raw.schema[c.header] == pl.Utf8
        and (feed.timestamp_format is not None or c.kind == "date")
    ]
    if retry and raw.height:
        misses = (
            pl.DataFrame(
                [
                    (typed[c.name].is_null() & raw[c.header].is_not_null()).alias(c.name)
                    for c in retry
                ]
            )
            .select(pl.all().any())
            .row(0, named=True)
        )
        fixes = [
            typed[c.name].fill_null(
                raw.select(parse_datetime_expr(pl.col(c.header)).alias(c.name)).to_series()
            )
            for c in retry
            if misses[c.name]
        ]
        if fixes:
            typed = typed.with_columns(fixes)
    checks = pl.concat(
        [raw.drop(LINE), typed.drop(LINE).rename(lambda c: "_v_" + c)], how="horizontal_extend"
    )
    past_satang = _columns_past_satang(raw, feed)
    long_text = _columns_too_long(raw, feed)
    errors = checks.select(
        _error_expr(
            c,
            pl.col("_v_" + c.name),
            raw.schema[c.header] if c.header in past_satang else None,
            long_text=c.header in long_text,
        ).alias(c.name)
        for c in feed.columns
    )
    dates = [c.name for c in feed.columns if c.kind == "date"]
    if dates:
        typed = typed.with_columns(pl.col(d).dt.date() for d in dates)
    return typed, {name: errors[name] for name in errors.columns}


def _flag(bad: pl.Series, mask: pl.Series, code: str) -> pl.Series:
    """Set code where mask holds and no earlier reason is recorded (first failure wins)."""
    if not mask.any():
        return bad
    return (
        pl.select(pl.when(bad.is_null() & mask).then(pl.lit(code)).otherwise(bad))
        .to_series()
        .alias(bad.name)
    )


Rule = Callable[[pl.DataFrame, LakeLookups, list[str]], list[tuple[str, pl.Series]]]


def _currency(df: pl.DataFrame, lake: LakeLookups, notes: list[str]) -> list:
    return [
        (
            "currency",
            (df["currency"].str.to_uppercase() != "THB").fill_null(False),
            "wrong_currency",
        )
    ]


def _postal(sub_col: str, postal_col: str) -> Rule:
    def rule(df: pl.DataFrame, lake: LakeLookups, notes: list[str]) -> list:
        pairs = lake.postal_pairs()
        if pairs is None:
            notes.append("postal codes not checked: no reference geography in the lake")
            return []
        known_sub = df[sub_col].is_in(pairs["subdistrict_code"].unique().implode())
        # One hash lookup of "subdistrict|postal" instead of a join and a re-sort.
        pair_keys = pairs.select(
            pl.concat_str("subdistrict_code", pl.lit("|"), "postal_code").unique()
        ).to_series()
        pair_ok = df.select(
            pl.concat_str(sub_col, pl.lit("|"), postal_col).is_in(pair_keys.implode())
        ).to_series()
        both = df[sub_col].is_not_null() & df[postal_col].is_not_null()
        return [
            (sub_col, df[sub_col].is_not_null() & ~known_sub, "unknown_subdistrict"),
            (postal_col, both & known_sub & ~pair_ok, "postal_code_not_in_subdistrict"),
        ]

    return rule


def _known(column: str, table: str, table_column: str, code: str) -> Rule:
    def rule(df: pl.DataFrame, lake: LakeLookups, notes: list[str]) -> list:
        values = df[column].drop_nulls().unique()
        if values.is_empty():
            return []
        unknown = lake.unknown(table, table_column, values)
        return [(column, df[column].is_in(unknown.implode()).fill_null(False), code)]

    return rule


def _known_seller(df: pl.DataFrame, lake: LakeLookups, notes: list[str]) -> list:
    # Orders and payouts: once the seller master exists (`postmart sync sellers`), a sale
    # of a seller it does not know belongs to nobody the programme can count. Before the
    # first sync every seller would be unknown, so the rule waits and says so.
    if not lake.has_rows("dim_seller"):
        notes.append("the seller master is empty: sellers not checked (run postmart sync sellers)")
        return []
    return _known("seller_id", "dim_seller", "seller_id", "unknown_seller")(df, lake, notes)


def _s10(df: pl.DataFrame, lake: LakeLookups, notes: list[str]) -> list:
    ok = df.select(s10_valid_expr(pl.col("tracking_no"))).to_series()
    return [("tracking_no", df["tracking_no"].is_not_null() & ~ok, "bad_s10")]


def _thai_ids(df: pl.DataFrame, lake: LakeLookups, notes: list[str]) -> list:
    pin = df.select(thai_id_valid_expr(pl.col("national_id"), "pin")).to_series()
    moa = df.select(thai_id_valid_expr(pl.col("juristic_id"), "moa")).to_series()
    ce = df["ce_registration_code"].str.len_chars() == 12
    return [
        ("national_id", df["national_id"].is_not_null() & ~pin, "bad_national_id"),
        ("juristic_id", df["juristic_id"].is_not_null() & ~moa, "bad_juristic_id"),
        (
            "ce_registration_code",
            df["ce_registration_code"].is_not_null() & ~ce.fill_null(False),
            "bad_registration_code",
        ),
    ]


def _bank_account(df: pl.DataFrame, lake: LakeLookups, notes: list[str]) -> list:
    ok = df.select(
        bank_account_length_ok_expr(pl.col("bank_code"), pl.col("bank_account_no"))
    ).to_series()
    return [("bank_account_no", df["bank_account_no"].is_not_null() & ~ok, "bad_bank_account")]


def _in_thailand(df: pl.DataFrame, lake: LakeLookups, notes: list[str]) -> list:
    inside = df["lat"].is_between(*_TH_LAT) & df["lon"].is_between(*_TH_LON)
    return [("lat", ~inside.fill_null(True), "outside_thailand")]


RULES: dict[str, tuple[Rule, ...]] = {
    "orders": (_currency, _postal("buyer_subdistrict_code", "buyer_postal_code"), _known_seller),
    "order_items": (_known("order_id", "fct_order", "order_id", "unknown_order"),),
    "settlements": (
        _currency,
        _known("merchant_order_ref", "fct_order", "order_id", "unknown_order"),
    ),
    "payouts": (_bank_account, _known_seller),
    "tracking_api": (_s10, _known("branch_code", "dim_branch", "branch_code", "unknown_branch")),
    "tracking_jsonl": (_s10, _known("branch_code", "dim_branch", "branch_code", "unknown_branch")),
    "applications": (_thai_ids, _postal("subdistrict_code", "postal_code"), _bank_account),
    "listings": (_known("seller_id", "dim_seller", "seller_id", "unknown_seller"),),
    "branch_master": (_postal("subdistrict_code", "postal_code"), _in_thailand),
    # payments (issue 9). Counter payments and bank credits for unknown orders are loaded:
    # they are the orphans reconciliation must show, not bad rows.
    "payments": (_currency, _known("order_id", "fct_order", "order_id", "unknown_order")),
    "cod_remittances": (
        _s10,
        _known("branch_code", "dim_branch", "branch_code", "unknown_branch"),
    ),
    # logistics
    "shipments": (
        _s10,
        _known("origin_branch_code", "dim_branch", "branch_code", "unknown_branch"),
        _postal("dest_subdistrict_code", "dest_postal_code"),
    ),
    "cold_chain_readings": (_s10,),
    # impact
    "digital_centre_openings": (
        _known(
            "digital_centre_id", "dim_digital_centre", "digital_centre_id", "unknown_digital_centre"
        ),
    ),
}


def validate(raw: pl.DataFrame, feed: Feed, lake: LakeLookups) -> Validated:
    """Split a read feed into good lake rows and quarantine entries."""
    if feed.in_words:
        raw = values_in_words(raw, feed)
    raw = _prepare(raw, feed)
    n = raw.height
    df, err = _parse_all(raw, feed)
    notes: list[str] = []
    for rule in RULES.get(feed.name, ()):
        for field, mask, code in rule(df, lake, notes):
            err[field] = _flag(err[field], mask.fill_null(False), code)
    row_bad = pl.select(pl.any_horizontal(s.is_not_null() for s in err.values())).to_series()
    # Within one file the last occurrence of a key wins; earlier good copies are quarantined.
    key = pl.col(feed.key[0]) if len(feed.key) == 1 else pl.struct(feed.key)
    key_dup = df.select(~key.is_last_distinct()).to_series() if n else pl.Series([], dtype=bool)
    good_mask = ~row_bad
    if (key_dup & good_mask).any():
        later_good = df.filter(good_mask).select(~key.is_last_distinct()).to_series()
        dup = pl.Series([False] * n)
        dup = dup.scatter(good_mask.arg_true().filter(later_good), True)
        first = feed.key[0]
        err[first] = _flag(err[first], dup, "duplicate_in_file")
        good_mask = good_mask & ~dup
    quarantine = _quarantine(raw, err, ~good_mask, feed)
    return Validated(
        good=df.filter(good_mask).drop(LINE),
        quarantine=quarantine,
        count_read=n,
        count_quarantined=int((~good_mask).sum()),
        notes=notes,
    )


def _quarantine(
    raw: pl.DataFrame, err: dict[str, pl.Series], bad: pl.Series, feed: Feed
) -> pl.DataFrame:
    schema = {
        "line_no": pl.Int64,
        "field": pl.Utf8,
        "value": pl.Utf8,
        "reason_code": pl.Utf8,
        "reason": pl.Utf8,
        "record": pl.Utf8,
    }
    if not bad.any():
        return pl.DataFrame(schema=schema)
    raw = raw.with_columns(
        pl.lit(None, pl.Utf8).alias(c.header) for c in feed.columns if c.header not in raw.columns
    )
    bad_raw = raw.filter(bad)
    record = bad_raw.select(
        pl.struct(pl.exclude(LINE).cast(pl.Utf8)).struct.json_encode().alias("record")
    )["record"]
    parts = []
    for name, codes in err.items():
        codes = codes.filter(bad)
        hit = codes.is_not_null()
        if not hit.any():
            continue
        header = feed.column(name).header
        value = (
            bad_raw[header].cast(pl.Utf8)
            if header in bad_raw.columns
            else pl.Series([None] * bad_raw.height, dtype=pl.Utf8)
        )
        parts.append(
            pl.DataFrame(
                {
                    "line_no": bad_raw[LINE].cast(pl.Int64),
                    "field": pl.Series([header] * bad_raw.height, dtype=pl.Utf8),
                    "value": value,
                    "reason_code": codes,
                    "record": record,
                }
            ).filter(hit)
        )
    out = pl.concat(parts).with_columns(
        pl.format(
            "{}: {}",
            pl.col("field"),
            pl.col("reason_code").replace_strict(REASONS, default=pl.col("reason_code")),
        ).alias("reason")
    )
    return out.select(list(schema)).sort("line_no", "field")
