"""Shared pieces of the demo generator: the random streams, time units and money columns.

Times are carried as int64 seconds since 1970-01-01 in Bangkok local time (the lake's
``*_at`` columns are local), dates as int days; both become polars types only when a frame
is handed to the lake. Money is carried as int64 satang so sums stay exact.
"""

from __future__ import annotations

import numpy as np
import polars as pl

DAY_S = 86_400
HOUR_S = 3_600

# Component numbers keep the random streams of the generators independent of each other,
# so adding draws in one generator never changes another's output.
STREAM = {
    "sellers": 1,
    "listings": 2,
    "calendar": 3,
    "orders": 4,
    "payments": 5,
    "logistics": 6,
    "cold": 7,
    "payouts": 8,
    "duplicates": 9,
    "centre_openings": 10,  # impact
}


def rng_for(seed: int, stream: str, part: int = 0) -> np.random.Generator:
    return np.random.default_rng([seed, STREAM[stream], part])


def thb(name: str) -> pl.Expr:
    """An int64 satang column as decimal(14, 2) baht."""
    return (pl.col(name).cast(pl.Decimal(18, 2)) / 100).cast(pl.Decimal(14, 2)).alias(name)


def ts(name: str) -> pl.Expr:
    """An int64 epoch-seconds column (-1 or null = none) as a timestamp."""
    col = pl.col(name)
    return pl.from_epoch(col, time_unit="s").cast(pl.Datetime("us")).alias(name)


def day(name: str) -> pl.Expr:
    """An int days-since-epoch column as a date."""
    return pl.col(name).cast(pl.Int32).cast(pl.Date).alias(name)


def pick_within(rng: np.random.Generator, keys: np.ndarray, pool_keys: np.ndarray) -> np.ndarray:
    """For each key, the index of a random pool row with the same key (-1 when none).

    ``pool_keys`` must be sorted; the pick is uniform among the pool rows sharing the key.
    """
    left = np.searchsorted(pool_keys, keys, side="left")
    right = np.searchsorted(pool_keys, keys, side="right")
    count = right - left
    pick = left + np.floor(rng.random(len(keys)) * np.maximum(count, 1)).astype(np.int64)
    return np.where(count > 0, pick, -1)


def choice(
    rng: np.random.Generator, values: tuple | list, weights: tuple | list, n: int
) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return np.asarray(values)[rng.choice(len(values), size=n, p=w / w.sum())]


def busday_add(days: np.ndarray, offset: np.ndarray, holidays: np.ndarray) -> np.ndarray:
    """Int days plus ``offset`` working days (Monday–Saturday, not a public holiday).

    Mail is delivered on Saturdays; Sundays and public holidays do not count, as in the
    delivery KPI of DOMAIN.md.
    """
    d = days.astype("datetime64[D]")
    out = np.busday_offset(d, offset, roll="forward", weekmask="1111110", holidays=holidays)
    return out.astype(np.int64)
