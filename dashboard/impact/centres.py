"""Do the community digital centres raise their sellers' income? (issue 11, item 5)

An estimate, not proof. Sellers linked to a centre are compared with comparable sellers who
are not (linked to no centre, or to one that has not opened yet), before and after each
centre's opening: a difference-in-differences for staggered openings.

- Panel: one row per seller and month (``warehouse/sql/impact/centre_panel.sql``), summed in
  DuckDB from the seller × month mart, so the regression gets tens of thousands of rows,
  never the orders. The outcome is the goods value of the seller's delivered orders in the
  month (baht); sellers approved before the panel's first month, so the panel is balanced.
- Estimator: Callaway & Sant'Anna (2021), from the maintained ``diff-diff`` package
  (``CallawaySantAnna``): an effect per opening cohort and month, each against the sellers
  *not yet treated* then (never-treated sellers included), so already-treated sellers are
  never used as controls (the bias of a plain two-way fixed-effects regression with
  staggered openings). The overall effect averages the cohort-month effects by cohort size;
  its standard error comes from per-seller influence functions, so it is clustered by
  seller.
- Pre-trend check: the event study's leads (months before opening) should be near zero; a
  joint Wald test of the last ``LEADS`` leads is reported with them.

Authorization here: the ministry and admins (the impact viewers).
"""

from __future__ import annotations

import dataclasses
import math
import threading
import warnings
from dataclasses import dataclass, field

import duckdb
import numpy as np
import polars as pl

from dashboard.errors import NotFound
from dashboard.identity.user import User
from dashboard.impact import figures, snapshots
from warehouse import query
from warehouse.lake import LakeMissing, connect_reader
from warehouse.settings import Settings, load_settings

ALPHA = 0.05
LEADS = 6  # months before opening shown and tested
LAGS = 12  # months after opening shown


@dataclass(frozen=True)
class EventTime:
    months: int  # months from the opening month (negative: before)
    effect: float
    low: float
    high: float


@dataclass
class CentreEffect:
    effect: float  # baht per treated seller-month
    se: float
    low: float
    high: float
    treated_sellers: int  # linked to a centre that opened inside the panel
    control_sellers: int  # never treated in the panel (no centre, or it had not opened)
    centres: int  # centres with treated sellers
    first_month: str  # YYYY-MM
    last_month: str
    baseline: float  # treated sellers' mean monthly sales before their centre opened
    pretrend_p: float | None  # joint Wald test of the leads; None when it cannot be said
    leads_ok: bool  # no lead's interval excludes zero
    events: list[EventTime] = field(default_factory=list)
    snapshot_id: int | None = None

    @property
    def percent(self) -> float | None:
        return None if not self.baseline else self.effect / self.baseline * 100.0

    @property
    def significant(self) -> bool:
        return self.low > 0 or self.high < 0


def _period_month(period: int) -> str:
    year, month = divmod(int(period), 12)
    return f"{year:04d}-{month + 1:02d}"


def panel(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """seller_id, period, sales_thb, first_treat, digital_centre_id (the data work, in
    DuckDB)."""
    return query.run(con, "impact/centre_panel")


def _pretrend(result, leads: list[int]) -> float | None:
    vcov = getattr(result, "event_study_vcov", None)
    index = getattr(result, "event_study_vcov_index", None)
    if vcov is None or index is None or not leads:
        return None
    from scipy import stats

    pos = [list(index).index(e) for e in leads if e in list(index)]
    if not pos:
        return None
    beta = np.array([result.event_study_effects[index[i]]["effect"] for i in pos])
    v = np.asarray(vcov)[np.ix_(pos, pos)]
    try:
        stat = float(beta @ np.linalg.pinv(v) @ beta)
    except np.linalg.LinAlgError:
        return None
    return float(stats.chi2.sf(stat, len(pos)))


def estimate(data: pl.DataFrame) -> CentreEffect:
    """The staggered difference-in-differences of ``panel``'s rows."""
    treated = data.filter(pl.col("first_treat") > 0)
    if treated.is_empty() or data.filter(pl.col("first_treat") == 0).is_empty():
        raise NotFound("impact.centres.none")
    from diff_diff import CallawaySantAnna

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = CallawaySantAnna(
            control_group="not_yet_treated", estimation_method="reg", alpha=ALPHA
        ).fit(
            data.to_pandas(),
            outcome="sales_thb",
            unit="seller_id",
            time="period",
            first_treat="first_treat",
            aggregate="event_study",
        )
    events = []
    for e in sorted(result.event_study_effects or {}):
        if -LEADS <= e <= LAGS:
            v = result.event_study_effects[e]
            low, high = v["conf_int"]
            if not (math.isfinite(v["effect"]) and math.isfinite(low)):
                continue
            events.append(EventTime(int(e), float(v["effect"]), float(low), float(high)))
    leads = [ev for ev in events if ev.months < 0]
    pre = treated.filter(pl.col("period") < pl.col("first_treat"))
    low, high = result.overall_conf_int
    return CentreEffect(
        effect=float(result.overall_att),
        se=float(result.overall_se),
        low=float(low),
        high=float(high),
        treated_sellers=treated["seller_id"].n_unique(),
        control_sellers=data.filter(pl.col("first_treat") == 0)["seller_id"].n_unique(),
        centres=treated["digital_centre_id"].n_unique(),
        first_month=_period_month(data["period"].min()),
        last_month=_period_month(data["period"].max()),
        baseline=float(pre["sales_thb"].mean() or 0.0),
        pretrend_p=_pretrend(result, [ev.months for ev in leads]),
        leads_ok=all(ev.low <= 0 <= ev.high for ev in leads),
        events=events,
    )


def centre_effect(
    user: User | None,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    settings: Settings | None = None,
) -> CentreEffect:
    """The digital centres' estimated effect on linked sellers' monthly sales, at the
    lake's current snapshot (or ``con``'s, for "as of")."""
    settings = settings or load_settings()
    figures.require_viewer(user, settings)
    own = con is None
    if own:
        try:
            con = connect_reader(settings)
        except LakeMissing as exc:
            raise NotFound("lake.missing") from exc
    try:
        snapshot_id = snapshots.current_snapshot(con)
        key = snapshots.cache_key(con, snapshot_id)
        with _ESTIMATES_LOCK:
            kept = _ESTIMATES.get(key)
        if kept is not None:
            return dataclasses.replace(kept)
        data = panel(con)
        if data.is_empty():
            raise NotFound("impact.centres.none")
        result = estimate(data)
        result.snapshot_id = snapshot_id
        with _ESTIMATES_LOCK:
            if len(_ESTIMATES) >= _ESTIMATES_KEEP:
                _ESTIMATES.pop(next(iter(_ESTIMATES)))
            _ESTIMATES[key] = result
    finally:
        if own:
            con.close()
    return dataclasses.replace(result)


# The estimate of a snapshot never changes (a snapshot is never rewritten): kept per
# process for the last few snapshots asked for, so a second view of the same snapshot
# (another user, another period) does not rerun the regression.
_ESTIMATES: dict[tuple[str, int, str], CentreEffect] = {}
_ESTIMATES_LOCK = threading.Lock()
_ESTIMATES_KEEP = 4
