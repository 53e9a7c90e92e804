"""Listings (dim_listing): OTOP products in the five categories, priced per category."""

from __future__ import annotations

import numpy as np
import polars as pl

from etl.demo import vocab
from etl.demo.common import DAY_S, HOUR_S, choice, rng_for
from warehouse.vocab import CATEGORIES

LISTING_STATES = ("approved", "pending", "changes_requested", "rejected")
# Mean age, in days, of a listing waiting in the moderation queue at the end of the data.
WAITING_MEAN_DAYS = 7
LISTING_STATE_WEIGHTS = (0.86, 0.06, 0.04, 0.04)
COLD_DEMAND = 0.1


def _catalogue() -> pl.DataFrame:
    rows = [
        {
            "product_no": i,
            "category_code": p[0],
            "base_th": p[1],
            "base_en": p[2],
            "price_lo": p[3],
            "price_hi": p[4],
            "weight_lo": p[5],
            "weight_hi": p[6],
            "temperature_class": p[7],
            "season_mask": sum(1 << (m - 1) for m in p[8]),
        }
        for i, p in enumerate(vocab.PRODUCTS)
    ]
    return pl.DataFrame(rows)


def listing_frame(seed: int, sellers: pl.DataFrame, n_listings: int, end_s: int) -> pl.DataFrame:
    """dim_listing rows plus ``_popularity`` and ``_season_mask`` helper columns."""
    rng = rng_for(seed, "listings")
    cat = _catalogue()
    n_sellers = len(sellers)
    # Every seller has at least one listing; the rest go to sellers with a long tail.
    extra = rng.choice(n_sellers, size=max(n_listings - n_sellers, 0), p=_tail(rng, n_sellers))
    owner = np.sort(np.concatenate([np.arange(n_sellers), extra]))
    n = len(owner)
    category = choice(rng, CATEGORIES, vocab.CATEGORY_WEIGHTS, n)
    counts = cat.group_by("category_code").len()
    per_cat = dict(zip(counts["category_code"], counts["len"], strict=True))
    first_of = {c: int(cat["product_no"].filter(cat["category_code"] == c).min()) for c in per_cat}
    product = np.array([first_of[c] for c in category]) + np.floor(
        rng.random(n) * np.array([per_cat[c] for c in category])
    ).astype(np.int64)
    pack = rng.choice(len(vocab.PACKS), size=n, p=[0.15, 0.55, 0.15, 0.15])
    packs = pl.DataFrame(
        {
            "pack": range(len(vocab.PACKS)),
            "pack_th": [p[0] for p in vocab.PACKS],
            "pack_en": [p[1] for p in vocab.PACKS],
            "price_factor": [p[2] for p in vocab.PACKS],
            "weight_factor": [p[3] for p in vocab.PACKS],
        }
    )
    status = choice(rng, LISTING_STATES, LISTING_STATE_WEIGHTS, n)
    approved_at = sellers["approved_at"].to_numpy()[owner]
    created = approved_at + (rng.gamma(1.2, 30, n) * DAY_S).astype(np.int64)
    created = np.minimum(created, end_s - rng.integers(0, 20 * DAY_S, n))
    created = np.maximum(created, approved_at)
    # A listing waiting for review was submitted lately, as in a real queue: mostly within
    # two weeks, a few older ones (the overdue end of the queue).
    waiting = np.isin(status, ["pending", "changes_requested"])
    recent = end_s - (rng.gamma(1.5, WAITING_MEAN_DAYS / 1.5, n) * DAY_S).astype(np.int64)
    created = np.where(waiting, np.maximum(recent, approved_at), created)
    updated = np.minimum(created + (rng.random(n) * 40 * DAY_S).astype(np.int64), end_s)
    updated = np.where(waiting, np.minimum(created + HOUR_S, end_s), updated)
    photo_p = np.where(status == "approved", 0.95, 0.6)
    frame = (
        pl.DataFrame(
            {
                "seller_id": sellers["seller_id"].to_numpy()[owner],
                "product_no": product,
                "pack": pack,
                "_u_price": rng.random(n),
                "_u_weight": rng.random(n),
                "status": status,
                "has_photo": rng.random(n) < photo_p,
                "created_at": created,
                "updated_at": updated,
                "_popularity": rng.lognormal(0.0, 1.1, n),
            }
        )
        .join(cat, on="product_no", how="left")
        .join(packs, on="pack", how="left")
        .with_row_index("_i")
        .with_columns(
            listing_id=pl.concat_str(pl.lit("L"), pl.col("_i").cast(pl.Utf8).str.zfill(7)),
            title_th=pl.concat_str("base_th", pl.lit(" "), "pack_th"),
            title_en=pl.concat_str("base_en", pl.lit(" – "), "pack_en"),
            _price=(
                pl.col("price_lo") + pl.col("_u_price") * (pl.col("price_hi") - pl.col("price_lo"))
            )
            * pl.col("price_factor"),
            weight_kg=(
                (
                    pl.col("weight_lo")
                    + pl.col("_u_weight") * (pl.col("weight_hi") - pl.col("weight_lo"))
                )
                * pl.col("weight_factor")
            ).round(2),
            is_perishable=(pl.col("temperature_class") != "ambient") | (pl.col("season_mask") > 0),
        )
        # Shop prices end in 9 (199, 249, 1,290) above 100 baht, as marketplace sellers price.
        .with_columns(
            price_satang=pl.when(pl.col("_price") >= 100)
            .then(((pl.col("_price") / 10).round() * 10 - 1) * 100)
            .otherwise(pl.col("_price").round() * 100)
            .cast(pl.Int64)
        )
        .sort("_i")
    )
    # Cold-chain delivery costs three times a parcel: such listings sell less.
    frame = frame.with_columns(
        _popularity=pl.when(pl.col("temperature_class") != "ambient")
        .then(pl.col("_popularity") * COLD_DEMAND)
        .otherwise(pl.col("_popularity"))
    )
    return frame.select(
        "listing_id",
        "seller_id",
        "category_code",
        "title_th",
        "title_en",
        "price_satang",
        "weight_kg",
        "is_perishable",
        "temperature_class",
        "has_photo",
        "status",
        "created_at",
        "updated_at",
        "_popularity",
        pl.col("season_mask").alias("_season_mask"),
    )


def _tail(rng: np.random.Generator, n: int) -> np.ndarray:
    w = rng.pareto(1.5, n) + 0.2
    return w / w.sum()
