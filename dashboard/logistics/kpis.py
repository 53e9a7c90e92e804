"""The delivery KPIs, each defined once: its key, unit, numerator and denominator (the
counts of ``warehouse/sql/logistics/kpi_summary.sql``). Labels and formulas are catalog
keys ``logistics.kpi.<key>`` and ``logistics.kpi.<key>.formula`` (Thai and English);
docs/logistics.md repeats the formulas for readers of the code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kpi:
    key: str
    unit: str  # "percent" (0–100) | "count" | "hours"
    numerator: str | None = None  # a count of kpi_summary.sql
    denominator: str | None = None
    higher_is_better: bool = True

    @property
    def label_key(self) -> str:
        return f"logistics.kpi.{self.key}"

    @property
    def formula_key(self) -> str:
        return f"logistics.kpi.{self.key}.formula"


# Rates over kpi_summary's counts, in the order pages show them.
RATE_KPIS: tuple[Kpi, ...] = (
    Kpi("on_time_rate", "percent", "count_on_time", "count_due"),
    Kpi("first_attempt_rate", "percent", "count_first_attempt", "count_out_for_delivery"),
    Kpi("failed_delivery_rate", "percent", "count_failed", "count_out_for_delivery", False),
    Kpi("return_to_sender_rate", "percent", "count_returned", "count_final", False),
)
COUNT_KPIS: tuple[Kpi, ...] = (
    Kpi("shipments_accepted", "count", "count_accepted"),
    Kpi("in_transit", "count", "count_in_transit"),
)
# Figures with their own statement (a distribution or a list, not one number).
OTHER_KPIS: tuple[Kpi, ...] = (
    Kpi("d_plus_k", "count"),
    Kpi("lead_time", "hours", higher_is_better=False),
    Kpi("failed_by_reason", "percent", higher_is_better=False),
    Kpi("pickup_backlog", "count", higher_is_better=False),
    Kpi("mail_centre_dwell", "hours", higher_is_better=False),
    Kpi("late_segments", "hours", higher_is_better=False),
    Kpi("excursion_rate", "percent", higher_is_better=False),
)
KPIS: tuple[Kpi, ...] = RATE_KPIS + COUNT_KPIS + OTHER_KPIS
KPI_KEYS: tuple[str, ...] = tuple(k.key for k in KPIS)
_BY_KEY = {k.key: k for k in KPIS}


def kpi(key: str) -> Kpi:
    return _BY_KEY[key]


def rate(part: float | int | None, whole: float | int | None) -> float | None:
    """A percentage (0–100, two decimals); None when there is nothing to divide by."""
    if not whole:
        return None
    return round(100.0 * float(part or 0) / float(whole), 2)
