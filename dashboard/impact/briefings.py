"""Briefings: a named set of figures and filters pinned to a DuckLake snapshot.

Made from what the Programme impact page shows (period, region, province) at the lake's
snapshot of that moment (or the "as of" one chosen); stored in the ops DB with who and
when and, for each figure (every KPI of the selection and of each area), its value, the
sellers it rests on and the SHA-256 of both. Reopened by its link, it is recomputed at its
snapshot — the same figures a year later, whatever was loaded since. "Re-verify"
recomputes at the snapshot and lists any figure whose hash changed (none, unless the
snapshot's data were rewritten); "compare with the latest" does the same against the lake
now. ``postmart lake expire`` keeps every pinned snapshot.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import duckdb
import polars as pl
from sqlalchemy import select

from dashboard.errors import NotFound, ValidationFailed
from dashboard.identity import audit
from dashboard.identity.user import User
from dashboard.impact import figures, kpis, snapshots
from dashboard.onboarding import store
from warehouse import limits, ops
from warehouse.lake import LakeMissing, connect_reader
from warehouse.ops_schema_impact import im_briefing, im_briefing_figure
from warehouse.settings import Settings, load_settings

MAX_NAME = limits.NAME


@dataclass(frozen=True)
class Changed:
    section: str
    area_code: str
    kpi_key: str
    pinned: float | None
    now: float | None


@dataclass
class Briefing:
    briefing_id: str
    name: str
    snapshot_id: int
    period_code: str
    region_code: str | None
    province_code: str | None
    created_by_name: str | None
    created_at: Any
    period_label_th: str
    period_label_en: str
    content_sha256: str
    figures: pl.DataFrame = field(default_factory=pl.DataFrame)

    @property
    def query(self) -> dict[str, str]:
        """The page's URL parameters that reopen it."""
        return {"briefing": self.briefing_id}


def _figure_hash(section: str, area: str, key: str, value: float | None, sellers: int) -> str:
    text = f"{section}|{area}|{key}|{'' if value is None else repr(round(value, 6))}|{sellers}"
    return hashlib.sha256(text.encode()).hexdigest()


def figure_rows(view: figures.ImpactView) -> list[dict[str, Any]]:
    """Every figure of a view: the selection's total and each area's, per KPI."""
    rows = []
    for k in kpis.KEYS:
        fig = view.totals[k]
        rows.append(("totals", "", k, fig.value, fig.sellers))
    for area in view.areas.iter_rows(named=True):
        for k in kpis.KEYS:
            rows.append(("areas", area["area_code"], k, area[k], area[f"{k}__sellers"]))
    return [
        {
            "section": s,
            "area_code": a,
            "kpi_key": k,
            "value": None if v is None else float(v),
            "count_sellers": int(n),
            "figure_sha256": _figure_hash(s, a, k, v, int(n)),
        }
        for s, a, k, v, n in rows
    ]


def _reader(settings: Settings, snapshot_id: int | None) -> duckdb.DuckDBPyConnection:
    try:
        con = connect_reader(settings, snapshot_version=snapshot_id)
    except LakeMissing as exc:
        raise NotFound("lake.missing") from exc
    except duckdb.Error as exc:
        # An expired or unknown snapshot cannot be attached.
        raise NotFound("impact.snapshot.unknown", snapshot=snapshot_id) from exc
    return con


def create(
    user: User | None,
    name: str,
    period: str,
    *,
    region: str | None = None,
    province: str | None = None,
    snapshot_id: int | None = None,
    session_id: str | None = None,
    settings: Settings | None = None,
) -> Briefing:
    """Pin the figures of this selection at ``snapshot_id`` (default: the lake now)."""
    settings = settings or load_settings()
    actor = figures.require_viewer(user, settings)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("impact.briefing.name_required")
    if len(name) > MAX_NAME:
        raise ValidationFailed("error.text_too_long", max=MAX_NAME)
    con = _reader(settings, snapshot_id)
    try:
        view = figures.impact_view(
            actor, period, region=region, province=province, con=con, settings=settings
        )
    finally:
        con.close()
    rows = figure_rows(view)
    content = hashlib.sha256("".join(r["figure_sha256"] for r in rows).encode()).hexdigest()
    briefing_id = uuid.uuid4().hex
    filters = {
        "period": period,
        "period_resolved": view.period.code,
        "start": view.period.start.isoformat(),
        "end": view.period.end.isoformat(),
        "region": view.region,
        "province": view.province,
        "level": view.level,
        "threshold": view.threshold,
        "income_source": view.income_source,
    }
    user_id, username = store.actor_fields(actor)
    values = {
        "briefing_id": briefing_id,
        "name": name,
        "snapshot_id": view.snapshot_id,
        "period_code": period,
        "period_label_th": view.period.label("th"),
        "period_label_en": view.period.label("en"),
        "region_code": view.region,
        "province_code": view.province,
        "filters_json": json.dumps(filters, sort_keys=True),
        "count_figures": len(rows),
        "content_sha256": content,
        "created_by": user_id,
        "created_by_name": username,
        "created_at": store.now(),
    }
    with ops.write(ops.engine(settings)) as conn:
        conn.execute(im_briefing.insert().values(**values))
        for part in store.chunks(rows):
            conn.execute(
                im_briefing_figure.insert(), [{"briefing_id": briefing_id, **r} for r in part]
            )
        audit.AuditTrail(conn, actor, session_id).add(
            "impact.briefing.create",
            "im_briefing",
            briefing_id,
            None,
            {k: v for k, v in values.items() if k != "created_at"},
        )
    return get(actor, briefing_id, settings=settings)


def get(user: User | None, briefing_id: str, *, settings: Settings | None = None) -> Briefing:
    settings = settings or load_settings()
    figures.require_viewer(user, settings)
    with ops.read(ops.engine(settings)) as conn:
        row = conn.execute(
            select(im_briefing).where(im_briefing.c.briefing_id == str(briefing_id))
        ).first()
        if row is None:
            raise NotFound("impact.briefing.not_found", briefing=briefing_id)
        figs = conn.execute(
            select(
                im_briefing_figure.c.section,
                im_briefing_figure.c.area_code,
                im_briefing_figure.c.kpi_key,
                im_briefing_figure.c.value,
                im_briefing_figure.c.count_sellers,
                im_briefing_figure.c.figure_sha256,
            ).where(im_briefing_figure.c.briefing_id == row.briefing_id)
        ).all()
    frame = pl.DataFrame(
        [tuple(f) for f in figs],
        schema={
            "section": pl.Utf8,
            "area_code": pl.Utf8,
            "kpi_key": pl.Utf8,
            "value": pl.Float64,
            "count_sellers": pl.Int64,
            "figure_sha256": pl.Utf8,
        },
        orient="row",
    )
    return Briefing(
        row.briefing_id,
        row.name,
        int(row.snapshot_id),
        row.period_code,
        row.region_code,
        row.province_code,
        row.created_by_name,
        row.created_at,
        row.period_label_th,
        row.period_label_en,
        row.content_sha256,
        frame,
    )


def briefings(user: User | None, *, settings: Settings | None = None) -> pl.DataFrame:
    """Every briefing, newest first (the page's list)."""
    settings = settings or load_settings()
    figures.require_viewer(user, settings)
    cols = (
        im_briefing.c.briefing_id,
        im_briefing.c.name,
        im_briefing.c.period_label_th,
        im_briefing.c.period_label_en,
        im_briefing.c.region_code,
        im_briefing.c.province_code,
        im_briefing.c.snapshot_id,
        im_briefing.c.created_by_name,
        im_briefing.c.created_at,
    )
    with ops.read(ops.engine(settings)) as conn:
        rows = conn.execute(select(*cols).order_by(im_briefing.c.created_at.desc())).all()
    return pl.DataFrame(
        [tuple(r) for r in rows],
        schema={c.name: (pl.Int64 if c.name == "snapshot_id" else pl.Utf8) for c in cols}
        | {"created_at": pl.Datetime("us")},
        orient="row",
    )


def view_of(
    user: User | None,
    briefing: Briefing,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    settings: Settings | None = None,
    latest: bool = False,
) -> figures.ImpactView:
    """The briefing's figures recomputed at its snapshot (or on the lake now)."""
    settings = settings or load_settings()
    own = con is None
    if own:
        con = _reader(settings, None if latest else briefing.snapshot_id)
    try:
        return figures.impact_view(
            user,
            briefing.period_code,
            region=briefing.region_code if not briefing.province_code else None,
            province=briefing.province_code,
            con=con,
            settings=settings,
        )
    finally:
        if own:
            con.close()


def reverify(
    user: User | None,
    briefing_id: str,
    *,
    latest: bool = False,
    session_id: str | None = None,
    settings: Settings | None = None,
) -> list[Changed]:
    """The figures that no longer say what was pinned: recomputed at the briefing's
    snapshot (``latest``: on the lake now). Empty: every figure's hash matches."""
    settings = settings or load_settings()
    actor = figures.require_viewer(user, settings)
    briefing = get(actor, briefing_id, settings=settings)
    now = {
        (r["section"], r["area_code"], r["kpi_key"]): r
        for r in figure_rows(view_of(actor, briefing, settings=settings, latest=latest))
    }
    changed = []
    for r in briefing.figures.iter_rows(named=True):
        key = (r["section"], r["area_code"], r["kpi_key"])
        other = now.pop(key, None)
        if other is None or other["figure_sha256"] != r["figure_sha256"]:
            changed.append(Changed(*key, r["value"], other["value"] if other else None))
    changed += [Changed(*key, None, r["value"]) for key, r in now.items()]
    audit.record(
        actor=actor,
        action="impact.briefing.reverify",
        entity="im_briefing",
        entity_id=briefing.briefing_id,
        before=None,
        after={"against": "latest" if latest else "pinned", "changed": len(changed)},
        session_id=session_id,
        settings=settings,
    )
    return changed


def pinned_snapshots(settings: Settings | None = None) -> set[int]:
    """Every snapshot a briefing is pinned to (``postmart lake expire`` keeps them)."""
    settings = settings or load_settings()
    with ops.read(ops.engine(settings)) as conn:
        return {int(r[0]) for r in conn.execute(select(im_briefing.c.snapshot_id).distinct())}


def snapshot_of(briefing: Briefing, con: duckdb.DuckDBPyConnection) -> snapshots.Snapshot:
    return snapshots.require_snapshot(con, briefing.snapshot_id)
