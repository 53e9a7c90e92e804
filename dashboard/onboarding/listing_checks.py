"""Automatic checks of a listing, shown to the officer before deciding: photo, weight,
category, a price far from its category's, managed prohibited and restricted terms,
perishable goods without cold chain, the same product listed twice by one seller.

Each check returns a message key (``onboarding.listing.<check>.<reason>``); nothing here
produces display text. ``listing_checks`` is pure; the data it needs (terms, category
medians) is read by the two functions at the end.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from dashboard.onboarding.validators import CheckResult
from warehouse.lake import LakeMissing, connect_reader
from warehouse.ops_schema_onboarding import ob_restricted_term

# A price beyond 5× or below a fifth of the category's median is worth a second look.
PRICE_RATIO_LIMIT = Decimal(5)
COLD_CLASSES = frozenset({"chilled", "frozen"})


@dataclass(frozen=True)
class Term:
    term: str
    language: str
    severity: str


def normalize_title(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").strip().lower())


def term_hits(texts: Sequence[str | None], terms: Sequence[Term]) -> list[Term]:
    """Managed terms found in the texts: Thai by substring (Thai has no spaces between
    words), English as whole words, case-insensitive."""
    blob = " ".join(t for t in texts if t).lower()
    hits = []
    for t in terms:
        needle = t.term.lower()
        if t.language == "th":
            found = needle in blob
        else:
            found = re.search(rf"(?<![a-z]){re.escape(needle)}(?![a-z])", blob) is not None
        if found:
            hits.append(t)
    return hits


def listing_checks(
    listing: Mapping[str, Any],
    *,
    category_medians: Mapping[str, Decimal | float],
    terms: Sequence[Term],
    same_seller_titles: set[str] | frozenset[str] = frozenset(),
) -> list[CheckResult]:
    """Problems an officer should see before deciding; an empty list means none found."""
    out: list[CheckResult] = []

    def bad(check: str, reason: str, severity: str = "error", **params: Any) -> None:
        out.append(
            CheckResult(check, False, f"onboarding.listing.{check}.{reason}", params, severity)
        )  # type: ignore[arg-type]

    if not listing.get("has_photo"):
        bad("photo", "missing")
    if listing.get("weight_kg") in (None, 0) or float(listing.get("weight_kg") or 0) <= 0:
        bad("weight", "missing")
    category = listing.get("category_code")
    if not category:
        bad("category", "missing")
    price = listing.get("price_thb")
    median = category_medians.get(category) if category else None
    if price is not None and median:
        p, m = Decimal(str(price)), Decimal(str(median))
        if p > m * PRICE_RATIO_LIMIT:
            bad(
                "price",
                "too_high",
                "warning",
                price=str(p),
                median=str(m.quantize(Decimal("0.01"))),
            )
        elif p * PRICE_RATIO_LIMIT < m:
            bad(
                "price", "too_low", "warning", price=str(p), median=str(m.quantize(Decimal("0.01")))
            )
    for t in term_hits(
        [listing.get("title_th"), listing.get("title_en"), listing.get("description")], terms
    ):
        bad("terms", t.severity, term=t.term)
    if listing.get("is_perishable") and listing.get("temperature_class") not in COLD_CLASSES:
        bad("perishable", "no_cold_chain")
    titles = {
        normalize_title(listing.get("title_th")),
        normalize_title(listing.get("title_en")),
    } - {""}
    if titles & set(same_seller_titles):
        bad("duplicate", "same_seller_same_product", "warning")
    return out


# ---------------------------------------------------------------- data for the checks


def load_terms(conn: Connection) -> list[Term]:
    return [
        Term(r.term, r.language, r.severity)
        for r in conn.execute(
            select(ob_restricted_term).where(ob_restricted_term.c.is_active.is_(True))
        )
    ]


def category_medians() -> dict[str, Decimal]:
    """Median listed price per category from the lake; empty when there is no lake yet."""
    from warehouse.query import fetch_df

    try:
        lake = connect_reader()
    except LakeMissing:
        return {}
    try:
        df = fetch_df(
            lake,
            "select category_code, median(price_thb) as median_thb from dim_listing "
            "where price_thb > ? and category_code is not null group by category_code",
            [0],
        )
    finally:
        lake.close()
    return {r["category_code"]: Decimal(str(r["median_thb"])) for r in df.iter_rows(named=True)}
