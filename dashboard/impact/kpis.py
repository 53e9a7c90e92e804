"""The programme's KPIs, each defined once.

Each KPI is a numerator over an optional denominator of the base measures that
``warehouse/sql/impact/kpi_areas.sql`` computes per area, a unit, and the count of sellers
it *rests on* (for the small-number rule). Its words — name, numerator, denominator and
what counts — are in the catalogs (``impact.kpi.<key>.name|numerator|denominator|counts``,
Thai and English), so the pages, the exports and the briefings' definitions sheet say the
same thing.

Small numbers: a figure resting on fewer sellers than ``small_number_min_sellers``
(default 5) is withheld ("fewer than 5") at district level on the pages and at every level
in every export: these are people's incomes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

UNITS = ("count", "thb", "percent", "per_100k")


@dataclass(frozen=True)
class Kpi:
    key: str
    unit: str
    numerator: str  # a base measure (a column of kpi_areas.sql)
    denominator: str | None  # another, or None: the numerator alone
    rests_on: tuple[str, ...]  # seller counts; the smallest decides suppression
    scale: float = 1.0  # 100 for percentages, 100,000 for "per 100,000 people"

    def value(self, m: Mapping[str, float]) -> float | None:
        """The figure from one row of base measures; None when the denominator is 0."""
        num = float(m[self.numerator] or 0)
        if self.denominator is None:
            return num * self.scale
        den = float(m[self.denominator] or 0)
        return num / den * self.scale if den else None

    def sellers(self, m: Mapping[str, float]) -> int:
        """How many sellers the figure rests on."""
        return int(min(m[c] or 0 for c in self.rests_on))


KPIS: tuple[Kpi, ...] = (
    Kpi("sellers_registered", "count", "n_registered", None, ("n_registered",)),
    Kpi("sellers_approved", "count", "n_approved", None, ("n_approved",)),
    Kpi("active_sellers", "count", "n_active", None, ("n_active",)),
    Kpi("gmv_thb", "thb", "gmv_thb", None, ("n_active",)),
    Kpi("income_thb", "thb", "income_thb", None, ("n_income",)),
    Kpi("orders", "count", "n_orders", None, ("n_active",)),
    Kpi("average_order_value_thb", "thb", "gmv_thb", "n_orders", ("n_active",)),
    Kpi(
        "low_income_seller_share",
        "percent",
        "n_active_low_income",
        "n_active",
        ("n_active",),
        100.0,
    ),
    Kpi(
        "low_income_income_share",
        "percent",
        "income_low_income_thb",
        "income_thb",
        ("n_income", "n_income_low_income"),
        100.0,
    ),
    Kpi("members_reached", "count", "n_members_reached", None, ("n_active",)),
    Kpi("first_time_sellers", "count", "n_first_time", None, ("n_first_time",)),
    Kpi(
        "sellers_per_100k",
        "per_100k",
        "n_registered",
        "population",
        ("n_registered",),
        100_000.0,
    ),
)
BY_KEY = {k.key: k for k in KPIS}
KEYS = tuple(BY_KEY)
# Words of each KPI in the catalogs (the catalog test checks every one exists).
TEXT_PARTS = ("name", "numerator", "denominator", "counts")
# The base measures the KPIs are made of (kpi_areas.sql's columns, summed over areas).
MEASURES = (
    "population",
    "n_registered",
    "n_approved",
    "n_active",
    "n_active_low_income",
    "n_members_reached",
    "n_first_time",
    "n_orders",
    "gmv_thb",
    "income_thb",
    "income_low_income_thb",
    "n_income",
    "n_income_low_income",
)
assert all(k.unit in UNITS for k in KPIS)
assert all(
    k.numerator in MEASURES and (k.denominator is None or k.denominator in MEASURES) for k in KPIS
)


def get(key: str) -> Kpi:
    from dashboard.errors import ValidationFailed

    if key not in BY_KEY:
        raise ValidationFailed("impact.kpi.unknown", key=key)
    return BY_KEY[key]


def is_small(sellers: int, threshold: int) -> bool:
    """Whether a figure resting on ``sellers`` sellers is withheld (fewer than threshold)."""
    return sellers < threshold


def text_keys() -> list[str]:
    return [f"impact.kpi.{k}.{part}" for k in KEYS for part in TEXT_PARTS]
