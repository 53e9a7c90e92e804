"""The impact pages' Streamlit side: cached programme figures (current or as of a
snapshot), the readers of past snapshots, labels of periods and snapshots."""

from __future__ import annotations

import duckdb
import polars as pl
import streamlit as st

from dashboard import formatting
from dashboard.errors import NotFound
from dashboard.identity.user import User
from dashboard.impact import (
    briefing_pdf,
    briefings,
    centres,
    figures,
    kpis,
    periods,
    snapshots,
)
from dashboard.impact import briefing_xlsx as briefing_xlsx_module
from dashboard.ui import lake
from dashboard.ui.text import t
from warehouse.lake import LakeMissing, connect_reader
from warehouse.settings import load_settings


@st.cache_resource(show_spinner=False, max_entries=4, on_release=lambda con: con.close())
def _reader_at(
    lake_catalog: str, lake_data_path: str, snapshot_id: int
) -> duckdb.DuckDBPyConnection:
    """A reader attached at one snapshot: a past snapshot never changes, so it is kept."""
    return connect_reader(load_settings(), snapshot_version=snapshot_id)


def reader(snapshot_id: int | None) -> duckdb.DuckDBPyConnection:
    """The lake now (the process's reader), or as of ``snapshot_id``."""
    if snapshot_id is None:
        return lake.reader()
    s = load_settings()
    try:
        return _reader_at(s.lake_catalog, s.lake_data_path, int(snapshot_id))
    except LakeMissing as exc:
        raise NotFound("lake.missing") from exc


@lake.lake_cache
def _view(
    user: User,
    period: str,
    region: str | None,
    province: str | None,
    snapshot_id: int | None,
    lake_catalog: str,
    lake_data_path: str,
) -> figures.ImpactView:
    # Keyed by the whole user: figures are checked per user (the service re-checks).
    return figures.impact_view(
        user, period, region=region, province=province, con=reader(snapshot_id)
    )


def impact_view(
    user: User,
    period: str,
    *,
    region: str | None = None,
    province: str | None = None,
    snapshot_id: int | None = None,
) -> figures.ImpactView:
    s = load_settings()
    return _view(user, period, region, province, snapshot_id, s.lake_catalog, s.lake_data_path)


@lake.lake_cache
def _centre_effect(
    user: User, snapshot_id: int | None, lake_catalog: str, lake_data_path: str
) -> centres.CentreEffect:
    return centres.centre_effect(user, con=reader(snapshot_id))


def centre_effect(user: User, snapshot_id: int | None = None) -> centres.CentreEffect:
    """The digital centres' estimated effect at the lake now or as of a snapshot (cached:
    it only changes with the lake)."""
    s = load_settings()
    return _centre_effect(user, snapshot_id, s.lake_catalog, s.lake_data_path)


@lake.lake_cache
def _snapshot_list(lake_catalog: str, lake_data_path: str) -> list[snapshots.Snapshot]:
    return snapshots.snapshots(lake.reader())


def snapshot_list() -> list[snapshots.Snapshot]:
    s = load_settings()
    return _snapshot_list(s.lake_catalog, s.lake_data_path)


def snapshot_label(snap: snapshots.Snapshot | None, lang: str) -> str:
    if snap is None:
        return t("impact.as_of.latest")
    when = formatting.format_datetime(snap.at, lang)
    if snap.file_name:
        return t("impact.as_of.load", id=snap.snapshot_id, at=when, file=snap.file_name)
    return t("impact.as_of.commit", id=snap.snapshot_id, at=when)


def period_label(code: str, reference_day, lang: str) -> str:
    if code in periods.RELATIVE:
        return t(f"impact.period.{code}")
    return periods.parse(code, reference_day).label(lang)


def area_table(view: figures.ImpactView, lang: str) -> tuple[pl.DataFrame, dict[str, str]]:
    """The drill-down's areas with every KPI in words ("fewer than 5" where withheld), and
    the catalog keys of its headings."""
    name = "name_th" if lang == "th" else "name_en"
    fewer = view.fewer_than(lang)
    rows: dict[str, list] = {"area": view.areas[name].to_list()}
    for k in kpis.KPIS:
        frame = view.shown(k.key)
        rows[k.key] = [
            fewer if w else figures.display(v, k.unit)
            for v, w in zip(frame["value"], frame["withheld"], strict=True)
        ]
    headings = {"area": f"impact.level.{view.level}"}
    headings.update({k: f"impact.kpi.{k}.name" for k in kpis.KEYS})
    return pl.DataFrame(rows), headings


@lake.lake_cache
def _briefing_file(
    user: User, briefing_id: str, kind: str, lake_catalog: str, lake_data_path: str
) -> bytes:
    briefing = briefings.get(user, briefing_id)
    con = reader(briefing.snapshot_id)
    view = briefings.view_of(user, briefing, con=con)
    snap = briefings.snapshot_of(briefing, con)
    if kind == "pdf":
        return briefing_pdf.document(briefing, view, snap).pdf
    return briefing_xlsx_module.workbook(briefing, view, snap)


def briefing_file(user: User, briefing: briefings.Briefing, kind: str) -> bytes:
    """The XLSX or PDF of a briefing, its figures recomputed at its pinned snapshot
    (cached: a PDF takes seconds, and a pinned briefing's figures never change)."""
    s = load_settings()
    return _briefing_file(user, briefing.briefing_id, kind, s.lake_catalog, s.lake_data_path)


def changed_table(changed: list[briefings.Changed], lang: str) -> pl.DataFrame:
    """The figures a re-verification found changed, in words."""
    return pl.DataFrame(
        {
            "section": [c.section for c in changed],
            "area_code": [c.area_code or "—" for c in changed],
            "kpi": [t(f"impact.kpi.{c.kpi_key}.name") for c in changed],
            "pinned": [c.pinned for c in changed],
            "now": [c.now for c in changed],
        },
        schema={
            "section": pl.Utf8,
            "area_code": pl.Utf8,
            "kpi": pl.Utf8,
            "pinned": pl.Float64,
            "now": pl.Float64,
        },
    )
