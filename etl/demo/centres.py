"""The community digital centres' openings and their planted effect (issue 11, item 5).

About ``OPEN_SHARE`` of the centres open, on days spread from six months after the first
order to three months before the last, so the openings are staggered and some centres have
not opened by the end (their sellers stay untreated, like the sellers linked to no centre).
From the first whole month after their centre opened (the month it opened, when it opened
on the 1st), a linked seller's listings are ``1 + LIFT`` times as likely to be ordered: the
planted effect. It draws the same random numbers either way, so nothing else in the demo
moves but which seller some orders go to.

The effect in baht the estimate should recover (``planted_effect``) follows from the lift:
in a treated seller-month, sales are ``1 + LIFT`` times what they would have been, so the
effect is ``LIFT / (1 + LIFT)`` of them, averaged over the treated seller-months the
estimate averages. It goes into the demo's manifest (``MANIFEST_NAME``) with the lift.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl

from etl.demo.common import DAY_S, rng_for

LIFT = 0.5
OPEN_SHARE = 0.7
FIRST_OPENING_AFTER_DAYS = 180
LAST_OPENING_BEFORE_DAYS = 90
NEVER_DAY = np.iinfo(np.int64).max // DAY_S
MANIFEST_NAME = ".impact_manifest.json"


def openings(seed: int, centres: pl.DataFrame, start_day: int, end_day: int) -> pl.DataFrame:
    """digital_centre_id, opened_on (days since 1970) of the centres that opened."""
    rng = rng_for(seed, "centre_openings")
    ids = centres.sort("digital_centre_id")["digital_centre_id"]
    n = ids.len()
    opens = rng.random(n) < OPEN_SHARE
    day = rng.integers(start_day + FIRST_OPENING_AFTER_DAYS, end_day - LAST_OPENING_BEFORE_DAYS, n)
    return pl.DataFrame({"digital_centre_id": ids, "opened_on": day}).filter(pl.Series(opens))


def first_whole_month(days: np.ndarray) -> np.ndarray:
    """The first day of the first month starting on or after each day."""
    d = days.astype("datetime64[D]")
    month_start = d.astype("datetime64[M]").astype("datetime64[D]")
    next_start = (d.astype("datetime64[M]") + 1).astype("datetime64[D]")
    return np.where(month_start == d, month_start, next_start).astype(np.int64)


def treated_from(seller_ids: np.ndarray, sellers: pl.DataFrame, opened: pl.DataFrame) -> np.ndarray:
    """Per seller (in ``seller_ids``' order): the day the planted effect starts, or
    ``NEVER_DAY`` for a seller linked to no centre or to one that did not open."""
    start = opened.with_columns(
        from_day=pl.Series(first_whole_month(opened["opened_on"].to_numpy()))
    )
    by_seller = (
        pl.DataFrame({"seller_id": seller_ids})
        .join(sellers.select("seller_id", "digital_centre_id"), on="seller_id", how="left")
        .join(start.select("digital_centre_id", "from_day"), on="digital_centre_id", how="left")
    )
    return by_seller["from_day"].fill_null(NEVER_DAY).to_numpy().astype(np.int64)


def lake_frame(opened: pl.DataFrame) -> pl.DataFrame:
    """fct_digital_centre_opening rows."""
    return opened.select(
        "digital_centre_id",
        pl.col("opened_on").cast(pl.Int32).cast(pl.Date),
        pl.lit("demo").alias("source"),
    )


def planted_effect(treated_post_sales: np.ndarray) -> float:
    """The planted effect in baht per treated seller-month, from the sales of the treated
    seller-months the estimate averages."""
    if len(treated_post_sales) == 0:
        return 0.0
    return float(np.mean(treated_post_sales) * LIFT / (1 + LIFT))


def write_manifest(out_dir: Path, entry: dict) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / MANIFEST_NAME
    path.write_text(json.dumps({"digital_centres": entry}, indent=2), encoding="utf-8")
    return path


def read_manifest(out_dir: Path) -> dict | None:
    path = out_dir / MANIFEST_NAME
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8")).get("digital_centres")


def manifest_entry(con, n_opened: int) -> dict:
    """The manifest's digital-centre entry: the lift, and the planted effect in baht per
    treated seller-month over the estimate's own panel (warehouse/sql/impact/centre_panel)."""
    from warehouse import query

    panel = query.run(con, "impact/centre_panel")
    treated_post = panel.filter(
        (pl.col("first_treat") > 0) & (pl.col("period") >= pl.col("first_treat"))
    )
    return {
        "lift": LIFT,
        "centres_opened": n_opened,
        "outcome": "sales_thb of delivered orders per seller-month",
        "treated_sellers": panel.filter(pl.col("first_treat") > 0)["seller_id"].n_unique(),
        "treated_seller_months": treated_post.height,
        "effect_thb_per_seller_month": round(
            planted_effect(treated_post["sales_thb"].to_numpy()), 2
        ),
    }
