"""Seller payouts: money is held until delivery plus a return window, then paid weekly.

Each month contributes (seller, week, gross, fee, orders); the weeks are summed once all
months are done. A week below the minimum rolls into the seller's next paying week.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from etl.demo.common import DAY_S, HOUR_S, rng_for
from etl.demo.orders import NEVER, AfterShipping, OrderChunk

RETURN_WINDOW_DAYS = 7
MIN_PAYOUT_SATANG = 20_000  # 200 THB
TRANSFER_FEE_SATANG = 3_000  # 30 THB per transfer
PAYOUT_WEEKDAY = 2  # Wednesday after the week closes (0 = Monday)
GATEWAY_FEE = 0.0365
VAT = 0.07


def contributions(
    w_seller_id: np.ndarray, o: OrderChunk, s: AfterShipping, money: dict[str, np.ndarray]
) -> pl.DataFrame:
    ok = (o.channel != "cod") & (s.delivered_s < NEVER) & (money["refund_s"] == NEVER)
    release = s.delivered_s[ok] // DAY_S + RETURN_WINDOW_DAYS
    week = release - (release + 3) % 7  # Monday of the release week
    gross = o.subtotal[ok] - o.discount[ok] + o.shipping[ok]
    fee = np.floor(o.total[ok] * GATEWAY_FEE + 0.5).astype(np.int64)
    fee = fee + np.floor(fee * VAT + 0.5).astype(np.int64)
    return (
        pl.DataFrame({"seller": o.seller[ok], "week": week, "gross": gross, "fee": fee})
        .group_by("seller", "week")
        .agg(pl.col("gross").sum(), pl.col("fee").sum(), n=pl.len())
    )


def payout_frame(
    seed: int, parts: list[pl.DataFrame], sellers: pl.DataFrame, end_day: int
) -> pl.DataFrame:
    rng = rng_for(seed, "payouts")
    weeks = (
        pl.concat(parts)
        .group_by("seller", "week")
        .agg(pl.col("gross").sum(), pl.col("fee").sum(), pl.col("n").sum())
        .sort("seller", "week")
        .with_columns(
            pays=pl.col("gross") - pl.col("fee") - TRANSFER_FEE_SATANG >= MIN_PAYOUT_SATANG
        )
        # Weeks up to and including a paying week form one payout.
        .with_columns(
            group=pl.col("pays").cast(pl.Int32).cum_sum().shift(1, fill_value=0).over("seller")
        )
    )
    p = (
        weeks.group_by("seller", "group")
        .agg(
            period_start=pl.col("week").min(),
            period_end=pl.col("week").max() + 6,
            gross=pl.col("gross").sum(),
            fee=pl.col("fee").sum(),
            n=pl.col("n").sum(),
        )
        .sort("seller", "group")
    )
    scheduled = p["period_end"].to_numpy() + 1 + PAYOUT_WEEKDAY
    n = len(p)
    net = p["gross"].to_numpy() - p["fee"].to_numpy() - TRANSFER_FEE_SATANG
    # A balance still under the minimum waits for the next payout day after today.
    next_run = end_day + 1 + (PAYOUT_WEEKDAY - (end_day + 1 + 3) % 7) % 7
    scheduled = np.where(net < MIN_PAYOUT_SATANG, np.maximum(scheduled, next_run), scheduled)
    u = rng.random(n)
    seller_status = sellers["status"].to_numpy()[p["seller"].to_numpy()]
    due = scheduled <= end_day
    status = np.where(
        ~due | (net < MIN_PAYOUT_SATANG),
        "scheduled",
        np.where(
            (seller_status == "suspended") | (u < 0.02),
            "held",
            np.where(u < 0.035, "failed", "paid"),
        ),
    )
    paid_at = np.where(
        status == "paid", scheduled * DAY_S + 10 * HOUR_S + rng.integers(0, 4 * HOUR_S, n), -1
    )
    sid = sellers["seller_id"].to_numpy()[p["seller"].to_numpy()]
    return pl.DataFrame(
        {
            "payout_id": "PO" + pl.Series(np.arange(n)).cast(pl.Utf8).str.zfill(8),
            "seller_id": sid,
            "period_start_on": p["period_start"],
            "period_end_on": p["period_end"],
            "scheduled_on": scheduled,
            "paid_at": pl.Series(paid_at).replace(-1, None),
            "count_orders": p["n"].cast(pl.Int32),
            "gross_thb": p["gross"],
            "fee_thb": p["fee"],
            "transfer_fee_thb": np.full(n, TRANSFER_FEE_SATANG),
            "net_thb": net,
            "bank_code": sellers["bank_code"].to_numpy()[p["seller"].to_numpy()],
            "bank_account_no": sellers["bank_account_no"].to_numpy()[p["seller"].to_numpy()],
            "status": status,
        }
    )
