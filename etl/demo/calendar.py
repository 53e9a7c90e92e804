"""How many orders each day gets: growth, weekdays, shopping festivals and holidays."""

from __future__ import annotations

import datetime as dt

import numpy as np

from etl.demo.common import rng_for

EPOCH = dt.date(1970, 1, 1)
# Double-date shopping festivals (month == day) pull orders forward; 11.11 and 12.12 peak.
MEGA_SALE_FACTOR = {9: 1.9, 10: 1.6, 11: 3.0, 12: 3.0}
# Order volume by hour of day: lunch and the evening after work.
HOUR_WEIGHTS = np.array(
    [
        1.0,
        0.6,
        0.4,
        0.3,
        0.3,
        0.4,
        0.8,
        1.5,
        2.2,
        2.8,
        3.0,
        3.2,
        3.6,
        3.2,
        2.8,
        2.7,
        2.8,
        3.0,
        3.3,
        3.8,
        4.5,
        4.8,
        4.0,
        2.5,
    ]
)
WEEKDAY_FACTOR = np.array([1.0, 0.98, 0.98, 1.0, 1.05, 1.1, 1.12])  # Monday first


def to_day(d: dt.date) -> int:
    return (d - EPOCH).days


def to_date(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))


def day_parts(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(month 1–12, day of month, ISO weekday 0=Monday) of int days."""
    d = days.astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    month = months.astype(np.int64) % 12 + 1
    dom = (d - months).astype(np.int64) + 1
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday
    return month, dom, weekday


def is_mega_sale(days: np.ndarray) -> np.ndarray:
    month, dom, _ = day_parts(days)
    return (month == dom) & (month >= 9)


def daily_weights(days: np.ndarray) -> np.ndarray:
    month, dom, weekday = day_parts(days)
    t = (days - days[0]) / max(len(days) - 1, 1)
    w = (0.55 + 0.9 * t) * WEEKDAY_FACTOR[weekday]
    for m, f in MEGA_SALE_FACTOR.items():
        w = np.where((month == m) & (dom == m), w * f, w)
        w = np.where((month == m) & (np.abs(dom - m) == 1), w * 1.3, w)
    # New Year gift baskets, then the Songkran run-up and the holiday itself.
    w = np.where((month == 12) & (dom >= 18), w * 1.35, w)
    w = np.where((month == 4) & (dom <= 11), w * 1.3, w)
    w = np.where((month == 4) & (dom >= 13) & (dom <= 15), w * 0.7, w)
    # Fresh-fruit season (durian, mangosteen) lifts the whole market a little.
    w = np.where((month >= 5) & (month <= 8), w * 1.12, w)
    return w


def orders_per_day(seed: int, days: np.ndarray, n_orders: int) -> np.ndarray:
    w = daily_weights(days)
    return rng_for(seed, "calendar").multinomial(n_orders, w / w.sum())
