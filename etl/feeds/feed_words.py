"""The applications feed in offices' words: Thai and English header variants read as the
feed's columns, and seller types, banks, yes/no, dates and places in words read as the
codes the feed's rules judge — the same dictionary and readers as the provincial sheet.

A value nobody knows is left as written, so the feed's own rule quarantines it with its
usual reason (``unknown_value``, ``bad_boolean``, ``unknown_subdistrict`` …).
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from etl.feeds.headers import field_of
from etl.feeds.places import resolve_place
from etl.feeds.readers import LINE
from etl.feeds.specs import Feed
from etl.feeds.words import bank_code, date_text, seller_type, yes_no


def rename_headers(df: pl.DataFrame, feed: Feed) -> pl.DataFrame:
    """Columns under a known variant of a feed column's header take that column's name
    (a column already named as the feed names it wins)."""
    headers = {c.header for c in feed.columns}
    taken = set(df.columns) & headers
    renames = {}
    for name in df.columns:
        if name == LINE or name in headers:
            continue
        f = field_of(name)
        if f is not None and f in headers and f not in taken:
            renames[name] = f
            taken.add(f)
    return df.rename(renames) if renames else df


def _yes_no_text(value: str) -> str:
    try:
        answer = yes_no(value)
    except ValueError:
        return value
    return "" if answer is None else str(answer).lower()


def _map_unique(df: pl.DataFrame, column: str, read: Callable[[str], str | None]) -> pl.Expr:
    values = [v for v in df[column].unique().to_list() if v is not None]
    table = {v: (read(v) or v) for v in values}
    return pl.col(column).replace_strict(table, default=pl.col(column), return_dtype=pl.Utf8)


def values_in_words(raw: pl.DataFrame, feed: Feed) -> pl.DataFrame:
    """Words read as codes, one lookup per distinct value (a feed repeats its words)."""
    if not raw.height:
        return raw
    text = {n for n, d in raw.schema.items() if d == pl.Utf8}
    readers: dict[str, Callable[[str], str | None]] = {
        "seller_type": seller_type,
        "bank_code": bank_code,
    }
    for c in feed.columns:
        if c.kind == "bool":
            readers[c.header] = _yes_no_text
        elif c.kind in ("timestamp", "date"):
            readers[c.header] = date_text
    exprs = [_map_unique(raw, col, read).alias(col) for col, read in readers.items() if col in text]
    df = raw.with_columns(exprs) if exprs else raw
    return _places(df)


def _places(df: pl.DataFrame) -> pl.DataFrame:
    """Subdistrict, district and province names → codes, checked against the postal code."""
    place_cols = ["subdistrict_code", "district_code", "province_code", "postal_code"]
    if "subdistrict_code" not in df.columns or df.schema["subdistrict_code"] != pl.Utf8:
        return df
    named = df["subdistrict_code"].str.contains(r"[^\d\s๐-๙]").fill_null(False)
    if not named.any():
        return df
    cols = [c for c in place_cols if c in df.columns]
    combos = df.filter(named).select(cols).unique()
    rows = []
    for combo in combos.iter_rows(named=True):
        place = resolve_place(
            combo.get("subdistrict_code"),
            combo.get("district_code"),
            combo.get("province_code"),
            combo.get("postal_code"),
        )
        if place.ok:
            rows.append(
                {
                    **{f"_{c}": combo.get(c) for c in cols},
                    "_sub": place.subdistrict_code,
                    "_dist": place.district_code,
                    "_prov": place.province_code,
                }
            )
    if not rows:
        return df
    keys = [f"_{c}" for c in cols]
    lookup = pl.DataFrame(
        rows,
        schema={**{k: pl.Utf8 for k in keys}, **dict.fromkeys(("_sub", "_dist", "_prov"), pl.Utf8)},
    )
    joined = df.with_columns(pl.col(c).alias(f"_{c}") for c in cols).join(
        lookup, on=keys, how="left", nulls_equal=True
    )
    out = joined.with_columns(
        pl.coalesce("_sub", "subdistrict_code").alias("subdistrict_code"),
        *(
            [pl.coalesce("_dist", "district_code").alias("district_code")]
            if "district_code" in df.columns
            else [pl.col("_dist").alias("district_code")]
        ),
        *(
            [pl.coalesce("_prov", "province_code").alias("province_code")]
            if "province_code" in df.columns
            else [pl.col("_prov").alias("province_code")]
        ),
    )
    return out.select(
        df.columns + [c for c in ("district_code", "province_code") if c not in df.columns]
    ).sort(LINE)
