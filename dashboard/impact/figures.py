"""The programme figures by region, province and district for a period, with the previous
period and the same period a year before: what the impact pages, the exports and the
briefings show.

Drill-down: no region → one row per region; a region → its provinces; a province → its
districts (the province's region is implied). Relative periods are relative to the last
day with orders in the lake (``periods``). Authorization here: the ministry and admins
(national, read-only).

Small numbers: each KPI value carries the count of sellers it rests on; ``shown`` withholds
those under the threshold at district level, and ``export_frame`` at every level.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import polars as pl

from dashboard import formatting, i18n
from dashboard.errors import NotFound
from dashboard.identity import authz
from dashboard.identity.user import User
from dashboard.impact import kpis, periods, snapshots, view_inputs
from dashboard.impact.kpis import Kpi
from dashboard.impact.periods import Period
from dashboard.impact.view_inputs import NATIONAL_POPULATION
from warehouse import query
from warehouse.lake import LakeMissing, connect_reader
from warehouse.settings import Settings, load_settings

LEVELS = ("region", "province", "district")
DEFAULT_PERIOD = "this_fiscal_year"


@dataclass(frozen=True)
class Figure:
    """One KPI for the whole selection, with its comparisons."""

    key: str
    value: float | None
    sellers: int
    previous: float | None
    year_before: float | None

    def change(self, against: float | None) -> float | None:
        """Percent change against a comparison value; None when it cannot be said."""
        if self.value is None or against in (None, 0):
            return None
        return (self.value - against) / abs(against) * 100.0


@dataclass
class ImpactView:
    period: Period
    previous: Period
    year_before: Period
    level: str  # the level of ``areas``: region, province or district
    region: str | None
    province: str | None
    reference_day: dt.date | None  # the last day with orders (relative periods' reference)
    first_day: dt.date | None  # the first day with orders (the periods offered start there)
    income_source: str  # payouts | delivered_sales
    threshold: int
    areas: pl.DataFrame  # area_code, name_th, name_en, the measures, <kpi>, <kpi>__sellers
    totals: dict[str, Figure] = field(default_factory=dict)
    # The map's provinces (the whole country, or the region drilled into), same columns.
    provinces: pl.DataFrame | None = None
    snapshot_id: int | None = None  # the lake snapshot the figures were read at
    place_names: dict[str, str] = field(default_factory=dict)  # lang → the region/province

    def place_name(self, lang: str, country: str) -> str:
        """The drilled-into region or province in ``lang``; ``country`` at the top."""
        return self.place_names.get(lang) or country

    def is_withheld(self, sellers: int, *, export: bool = False) -> bool:
        """Whether an area's figure resting on ``sellers`` is withheld here."""
        return (export or self.level == "district") and kpis.is_small(sellers, self.threshold)

    def total_withheld(self, key: str, *, export: bool = False) -> bool:
        """The selection's total is a district's figure only in no case on a page (it is the
        whole country, a region or a province); in an export it follows the rule."""
        return export and kpis.is_small(self.totals[key].sellers, self.threshold)

    def shown(self, key: str, *, export: bool = False, map_: bool = False) -> pl.DataFrame:
        """area_code, name_th, name_en, value (null when withheld), sellers, withheld —
        of the table's areas, or with ``map_`` of the map's provinces (never withheld on
        a page: a province is not a district)."""
        kpis.get(key)
        frame = self.provinces if map_ and self.provinces is not None else self.areas
        district = self.level == "district" and not map_
        small = pl.col(f"{key}__sellers") < self.threshold
        withheld = (small & pl.lit(export or district)).alias("withheld")
        return frame.select(
            "area_code",
            "name_th",
            "name_en",
            pl.when(withheld).then(None).otherwise(pl.col(key)).alias("value"),
            pl.col(f"{key}__sellers").alias("sellers"),
            withheld,
        )

    def fewer_than(self, lang: str) -> str:
        return i18n.translate("impact.fewer_than", lang, n=self.threshold)

    def export_frame(self, lang: str) -> pl.DataFrame:
        """Every KPI per area, as an export shows it: withheld figures as "fewer than N"
        (text), at every level; the selection's total as the last row."""
        name = "name_th" if lang == "th" else "name_en"
        fewer = self.fewer_than(lang)
        cols: dict[str, list] = {i18n.translate("impact.area", lang): []}
        for k in kpis.KEYS:
            cols[i18n.translate(f"impact.kpi.{k}.name", lang)] = []
        area_col = i18n.translate("impact.area", lang)
        for row in self.areas.iter_rows(named=True):
            cols[area_col].append(row[name])
            for k in kpis.KEYS:
                small = kpis.is_small(row[f"{k}__sellers"], self.threshold)
                cols[i18n.translate(f"impact.kpi.{k}.name", lang)].append(
                    fewer if small else _exported(k, row[k])
                )
        cols[area_col].append(i18n.translate("impact.total", lang))
        for k in kpis.KEYS:
            fig = self.totals[k]
            small = kpis.is_small(fig.sellers, self.threshold)
            cols[i18n.translate(f"impact.kpi.{k}.name", lang)].append(
                fewer if small else _exported(k, fig.value)
            )
        # Mixed text and numbers per column: an export cell is what the reader sees.
        return pl.DataFrame(
            {c: pl.Series(c, [None if v is None else str(v) for v in vs]) for c, vs in cols.items()}
        )


def display(value: float | None, unit: str) -> str:
    """A KPI value in words for a table cell (units as ``formatting.format_value``)."""
    if unit == "per_100k":
        return formatting.format_number(value, decimals=2)
    return formatting.format_value(value, unit)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _exported(key: str, value: float | None) -> float | int | None:
    """A count as a whole number, anything else to two decimals."""
    if value is None:
        return None
    return int(round(value)) if kpis.get(key).unit == "count" else round(value, 2)


def require_viewer(user: User | None, settings: Settings | None = None) -> User:
    return authz.require_role(user, *authz.IMPACT_VIEWERS, settings=settings)


def _measures(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    level: str,
    region: str,
    province: str,
    **kw,
) -> pl.DataFrame:
    """The KPI measures per area off the facts (kpi_areas.sql): a lake from before the
    seller × month mart, and the tests that the pages' figures equal these."""
    return query.run(
        con,
        "impact/kpi_areas",
        start=view_inputs.ts(period.start),
        end=view_inputs.ts(period.end),
        level=level,
        region=region,
        province=province,
        population=float(NATIONAL_POPULATION),
        **kw,
    )


def with_kpis(measures: pl.DataFrame) -> pl.DataFrame:
    """The measures plus each KPI's value and the sellers it rests on, per row."""
    rows = measures.to_dicts()
    extra: dict[str, list] = {}
    for k in kpis.KPIS:
        extra[k.key] = [k.value(r) for r in rows]
        extra[f"{k.key}__sellers"] = [k.sellers(r) for r in rows]
    return measures.with_columns(
        *(pl.Series(name, values, dtype=_dtype(name)) for name, values in extra.items())
    )


def _dtype(name: str) -> pl.DataType:
    return pl.Int64 if name.endswith("__sellers") else pl.Float64


def totals_of(measures: pl.DataFrame) -> dict[str, float]:
    """The base measures of the whole selection: each seller is in exactly one area."""
    if measures.is_empty():
        return dict.fromkeys(kpis.MEASURES, 0.0)
    sums = measures.select(pl.col(m).sum() for m in kpis.MEASURES).row(0, named=True)
    return {m: float(v or 0) for m, v in sums.items()}


def _figure(k: Kpi, now: dict, prev: dict, before: dict) -> Figure:
    return Figure(k.key, k.value(now), k.sellers(now), k.value(prev), k.value(before))


def _place(
    con: duckdb.DuckDBPyConnection, region: str | None, province: str | None
) -> tuple[str, str, str, dict[str, str]]:
    """(level, region, province, the place's names by language) of the drill-down,
    checked against the lake's dims."""
    if province:
        row = query.fetch_one(
            con,
            "select region_code, name_th, name_en from lake.dim_province where province_code = $p",
            {"p": province},
        )
        if row is None:
            raise NotFound("impact.place.unknown", code=province)
        return "district", row[0], province, {"th": row[1], "en": row[2]}
    if region:
        row = query.fetch_one(
            con,
            "select name_th, name_en from lake.dim_region where region_code = $r",
            {"r": region},
        )
        if row is None:
            raise NotFound("impact.place.unknown", code=region)
        return "province", region, "", {"th": row[0], "en": row[1]}
    return "region", "", "", {}


def impact_view(
    user: User | None,
    period: str = DEFAULT_PERIOD,
    *,
    region: str | None = None,
    province: str | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    settings: Settings | None = None,
    use_mart: bool = True,
) -> ImpactView:
    """The KPIs of ``period`` (a code, ``periods``) for the drill-down's areas and total
    (``use_mart=False``: every figure off the facts, as a check of the mart path)."""
    settings = settings or load_settings()
    require_viewer(user, settings)
    own = con is None
    if own:
        try:
            con = connect_reader(settings)
        except LakeMissing as exc:
            raise NotFound("lake.missing") from exc
    try:
        snapshot_id = snapshots.current_snapshot(con)
        inputs = view_inputs.snapshot_inputs(con, snapshot_id)
        facts = inputs.facts
        reference = facts["last_order_day"] or dt.date.today()
        chosen = periods.parse(period, reference)
        level, reg, prov, place_names = _place(con, region, province)
        use_payouts = bool(facts["has_payouts"])
        prev_p, before_p = chosen.previous(), chosen.year_before()
        map_region = reg if level != "region" else ""
        if use_mart and inputs.db is not None:
            local = view_inputs.Local(con, inputs, (chosen, prev_p, before_p), use_payouts)
            try:
                now = with_kpis(local.measures(0, level, reg, prov))
                provinces = (
                    now
                    if level == "province"
                    else with_kpis(local.measures(0, "province", map_region, ""))
                )
                prev = totals_of(local.measures(1, level, reg, prov))
                before = (
                    prev if before_p == prev_p else totals_of(local.measures(2, level, reg, prov))
                )
            finally:
                local.close()
        else:
            kw = {"use_payouts": use_payouts}
            now = with_kpis(_measures(con, chosen, level, reg, prov, **kw))
            provinces = (
                now
                if level == "province"
                else with_kpis(_measures(con, chosen, "province", map_region, "", **kw))
            )
            prev = totals_of(_measures(con, prev_p, level, reg, prov, **kw))
            # A year's previous period is the year before: read it once.
            before = (
                prev
                if before_p == prev_p
                else totals_of(_measures(con, before_p, level, reg, prov, **kw))
            )
    finally:
        if own:
            con.close()
    total_now = totals_of(now)
    view = ImpactView(
        period=chosen,
        previous=prev_p,
        year_before=before_p,
        level=level,
        region=reg or None,
        province=prov or None,
        reference_day=facts["last_order_day"],
        first_day=facts["first_order_day"],
        income_source="payouts" if use_payouts else "delivered_sales",
        threshold=settings.small_number_min_sellers,
        areas=now,
        provinces=provinces,
        snapshot_id=snapshot_id,
        place_names=place_names,
    )
    view.totals = {k.key: _figure(k, total_now, prev, before) for k in kpis.KPIS}
    return view
