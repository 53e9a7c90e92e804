"""Everything a month of orders is generated from, prepared once as numpy arrays."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from etl.demo.common import DAY_S, pick_within, rng_for
from etl.demo.sellers import Places

# Post offices take the parcels of their own area; other branch types serve as fallback.
ORIGIN_BRANCH_TYPES = ("post_office",)


@dataclass
class World:
    seed: int
    start_day: int
    end_day: int
    lake_cut_s: int  # activity at or after this moment is held back for the feeds
    cutoff_s: int  # "now": nothing happens at or after it
    holidays: np.ndarray  # datetime64[D] public holidays
    # sellers (index = row of dim_seller)
    seller_id: np.ndarray
    seller_origin_branch: np.ndarray
    seller_listing_start: np.ndarray
    seller_listing_count: np.ndarray
    # listings (sorted by seller)
    listing_id: np.ndarray
    listing_seller: np.ndarray
    listing_price: np.ndarray  # satang
    listing_weight: np.ndarray
    listing_cold: np.ndarray  # 0 ambient, 1 chilled, 2 frozen
    listing_orderable_from: np.ndarray  # epoch s; max int when never
    listing_popularity: np.ndarray
    listing_season_mask: np.ndarray
    # buyer places
    place_subdistrict: np.ndarray
    place_postal: np.ndarray
    place_province: np.ndarray
    place_weight: np.ndarray
    place_dest_branch: np.ndarray
    # branches
    branch_code: np.ndarray
    branch_name: np.ndarray
    branch_postal: np.ndarray
    branch_mc: np.ndarray  # index into mail centres
    branch_lat: np.ndarray
    branch_lon: np.ndarray
    mc_code: np.ndarray
    mc_name: np.ndarray
    # impact: the day a seller's planted digital-centre effect starts (etl.demo.centres);
    # None: no effect planted
    seller_lift_from: np.ndarray | None = None


def _branch_pick(
    rng: np.random.Generator, keys: list[np.ndarray], branches: pl.DataFrame, cols: list[str]
) -> np.ndarray:
    """A branch per key: the first level (e.g. postal code) with any branch wins."""
    out = np.full(len(keys[0]), -1, dtype=np.int64)
    for key, col in zip(keys, cols, strict=True):
        for pool in (branches.filter(pl.col("branch_type").is_in(ORIGIN_BRANCH_TYPES)), branches):
            pool = pool.with_columns(pl.col(col).fill_null("")).sort(col, "_row")
            got = pick_within(rng, key.astype(str), pool[col].to_numpy().astype(str))
            rows = np.where(got >= 0, pool["_row"].to_numpy()[np.maximum(got, 0)], -1)
            out = np.where(out < 0, rows, out)
    return np.where(out < 0, 0, out)


def build_world(
    seed: int,
    ref: dict[str, pl.DataFrame],
    where: Places,
    sellers: pl.DataFrame,
    listings: pl.DataFrame,
    start_day: int,
    end_day: int,
    holdback_days: int,
    holidays: np.ndarray,
) -> World:
    rng = rng_for(seed, "sellers", 2)
    branches = (
        ref["dim_branch"]
        .filter(pl.col("is_active").fill_null(True))
        .sort("branch_code")
        .with_row_index("_row")
    )
    mcs = ref["dim_mail_centre"].sort("mail_centre_code")
    mc_index = {c: i for i, c in enumerate(mcs["mail_centre_code"].to_list())}
    branch_mc = branches["mail_centre_code"].replace_strict(
        mc_index, default=0, return_dtype=pl.Int64
    )

    origin = _branch_pick(
        rng,
        [sellers["district_code"].to_numpy(), sellers["province_code"].to_numpy()],
        branches,
        ["district_code", "province_code"],
    )
    pf = where.frame
    dest = _branch_pick(
        rng,
        [
            pf["postal_code"].to_numpy(),
            pf["district_code"].to_numpy(),
            pf["province_code"].to_numpy(),
        ],
        branches,
        ["postal_code", "district_code", "province_code"],
    )

    seller_index = {s: i for i, s in enumerate(sellers["seller_id"].to_list())}
    l_seller = listings["seller_id"].replace_strict(seller_index, return_dtype=pl.Int64).to_numpy()
    n_sellers = len(sellers)
    counts = np.bincount(l_seller, minlength=n_sellers)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    active = sellers["status"].to_numpy()[l_seller] == "active"
    orderable = (listings["status"].to_numpy() == "approved") & active
    never = np.iinfo(np.int64).max
    cold = listings["temperature_class"].replace_strict(
        {"ambient": 0, "chilled": 1, "frozen": 2}, return_dtype=pl.Int64
    )
    return World(
        seed=seed,
        start_day=start_day,
        end_day=end_day,
        lake_cut_s=(end_day + 1 - holdback_days) * DAY_S,
        cutoff_s=(end_day + 1) * DAY_S,
        holidays=holidays,
        seller_id=sellers["seller_id"].to_numpy(),
        seller_origin_branch=origin,
        seller_listing_start=starts,
        seller_listing_count=counts,
        listing_id=listings["listing_id"].to_numpy(),
        listing_seller=l_seller,
        listing_price=listings["price_satang"].to_numpy(),
        listing_weight=listings["weight_kg"].to_numpy(),
        listing_cold=cold.to_numpy(),
        listing_orderable_from=np.where(orderable, listings["created_at"].to_numpy(), never),
        listing_popularity=listings["_popularity"].to_numpy(),
        listing_season_mask=listings["_season_mask"].to_numpy(),
        place_subdistrict=pf["subdistrict_code"].to_numpy(),
        place_postal=pf["postal_code"].to_numpy(),
        place_province=pf["province_code"].to_numpy(),
        place_weight=pf["w_buyer"].to_numpy(),
        place_dest_branch=dest,
        branch_code=branches["branch_code"].to_numpy(),
        branch_name=branches["name_th"].to_numpy(),
        branch_postal=branches["postal_code"].to_numpy(),
        branch_mc=branch_mc.to_numpy(),
        branch_lat=branches["lat"].to_numpy(),
        branch_lon=branches["lon"].to_numpy(),
        mc_code=mcs["mail_centre_code"].to_numpy(),
        mc_name=mcs["name_th"].to_numpy(),
    )
