"""Decisions flow back to the marketplace: application and listing decisions since a
time, as CSV and JSON (``postmart export decisions --since ... --out ...`` and the page).

Times are naive Asia/Bangkok local time, as stored. An application decision is one event
(approve, reject, request information, suspend, reinstate); a listing decision is one
decided version (a version later superseded by a newer approval was still approved).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl
from sqlalchemy import case, select

from dashboard import export
from dashboard.identity.user import User
from dashboard.onboarding import scope, store
from dashboard.onboarding.workflow import DECISION_ACTIONS
from warehouse.ops_schema_onboarding import ob_application, ob_application_event, ob_listing_version

APPLICATION_SCHEMA = {
    "event_id": pl.Int64,
    "application_id": pl.Utf8,
    "province_code": pl.Utf8,
    "seller_id": pl.Utf8,
    "action": pl.Utf8,
    "decision": pl.Utf8,
    "reason_code": pl.Utf8,
    "note": pl.Utf8,
    "decided_by": pl.Utf8,
    "decided_at": pl.Datetime("us"),
}
LISTING_SCHEMA = {
    "listing_id": pl.Utf8,
    "version": pl.Int64,
    "seller_id": pl.Utf8,
    "province_code": pl.Utf8,
    "decision": pl.Utf8,
    "reason_code": pl.Utf8,
    "note": pl.Utf8,
    "decided_by": pl.Utf8,
    "decided_at": pl.Datetime("us"),
}


@dataclass(frozen=True)
class Decisions:
    applications: pl.DataFrame
    listings: pl.DataFrame


def decisions_since(actor: User | None, since: datetime) -> Decisions:
    """Decisions at or after ``since`` in the user's provinces (the command line,
    ``authz.CLI_ACTOR``, sees every province)."""
    provinces = scope.visible_provinces(actor)
    ev, app, lv = ob_application_event, ob_application, ob_listing_version
    a_stmt = (
        select(
            ev.c.event_id,
            ev.c.application_id,
            app.c.province_code,
            app.c.seller_id,
            ev.c.action,
            ev.c.to_status,
            ev.c.reason_code,
            ev.c.note,
            ev.c.actor_name,
            ev.c.at,
        )
        .join(app, app.c.application_id == ev.c.application_id)
        .where(ev.c.action.in_(sorted(DECISION_ACTIONS)), ev.c.at >= since)
        .order_by(ev.c.at, ev.c.event_id)
    )
    decision = case((lv.c.status == "superseded", "approved"), else_=lv.c.status)
    l_stmt = (
        select(
            lv.c.listing_id,
            lv.c.version,
            lv.c.seller_id,
            lv.c.province_code,
            decision,
            lv.c.reason_code,
            lv.c.decision_note,
            lv.c.decided_by_name,
            lv.c.decided_at,
        )
        .where(lv.c.decided_at.is_not(None), lv.c.decided_at >= since)
        .order_by(lv.c.decided_at, lv.c.listing_id, lv.c.version)
    )
    if provinces is not None:
        a_stmt = a_stmt.where(app.c.province_code.in_(list(provinces)))
        l_stmt = l_stmt.where(lv.c.province_code.in_(list(provinces)))
    with store.read() as conn:
        a_rows = [tuple(r) for r in conn.execute(a_stmt)]
        l_rows = [tuple(r) for r in conn.execute(l_stmt)]
    return Decisions(
        pl.DataFrame(a_rows, schema=APPLICATION_SCHEMA, orient="row"),
        pl.DataFrame(l_rows, schema=LISTING_SCHEMA, orient="row"),
    )


def to_csv(df: pl.DataFrame) -> bytes:
    """The decisions as CSV through the app's one writer (BOM; a cell that Excel would run
    as a formula gets a leading apostrophe). The JSON file keeps every value raw."""
    return export.csv_bytes(df)


def to_json(df: pl.DataFrame) -> bytes:
    records = [
        {k: (v.isoformat(sep=" ") if isinstance(v, datetime) else v) for k, v in r.items()}
        for r in df.iter_rows(named=True)
    ]
    return json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")


def write_decisions(
    actor: User | None,
    since: datetime,
    out_dir: Path,
    *,
    now: datetime | None = None,
) -> list[Path]:
    """Write the four files (applications and listings × CSV and JSON); return their paths."""
    decisions = decisions_since(actor, since)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = (now or store.now()).strftime("%Y%m%dT%H%M%S")
    paths = []
    for name, df in (
        ("application_decisions", decisions.applications),
        ("listing_decisions", decisions.listings),
    ):
        for suffix, render in (("csv", to_csv), ("json", to_json)):
            path = out_dir / f"{name}_{stamp}.{suffix}"
            tmp = path.with_suffix(path.suffix + ".part")
            tmp.write_bytes(render(df))
            # Whole files only: the marketplace picks up whatever appears in the folder.
            tmp.replace(path)
            paths.append(path)
    return paths


def read_csv(path: Path, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Read an exported CSV back with its types (the round-trip test, the marketplace)."""
    return pl.read_csv(
        path,
        schema_overrides={k: (pl.Utf8 if v == pl.Datetime("us") else v) for k, v in schema.items()},
    ).with_columns(
        *[
            pl.col(k).str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us")
            for k, v in schema.items()
            if v == pl.Datetime("us")
        ]
    )
