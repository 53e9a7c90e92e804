"""Decisions flow back: what was decided is what is exported, as CSV and JSON."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from dashboard.cli import main as postmart
from dashboard.identity import authz
from dashboard.onboarding import exports, listing_decisions, listing_import, workflow
from dashboard.onboarding.store import now

from .helpers import new_application
from .lake import write_lake


def _decide_some(users, app_data) -> dict[str, tuple[str, str | None, str | None]]:
    a = users["pn_a"]
    approved = new_application(a, app_data())
    rejected = new_application(a, app_data())
    info = new_application(a, app_data())
    workflow.approve(a, approved)
    workflow.reject(a, rejected, "incomplete_documents", "ขาดสำเนาสมุดบัญชี, และรายชื่อสมาชิก")
    workflow.transition(a, info, "start_review")
    workflow.transition(a, info, "request_information", note='ขอ "ทะเบียนบ้าน"')
    t = datetime(2025, 6, 1, 9)
    write_lake(
        dim_seller=[{"seller_id": "S-PN", "province_code": "82", "status": "active"}],
        dim_listing=[
            {
                "listing_id": "L-1",
                "seller_id": "S-PN",
                "category_code": "food",
                "title_th": "กะปิ",
                "price_thb": 95,
                "weight_kg": 0.3,
                "has_photo": True,
                "status": "pending",
                "created_at": t,
                "updated_at": t,
            }
        ],
    )
    listing_import.import_from_lake(authz.CLI_ACTOR)
    listing_decisions.decide(a, "L-1", 1, "approve")
    return {
        approved: ("approved", None, None),
        rejected: ("rejected", "incomplete_documents", "ขาดสำเนาสมุดบัญชี, และรายชื่อสมาชิก"),
        info: ("needs_information", None, 'ขอ "ทะเบียนบ้าน"'),
    }


def test_export_round_trips(sqlite_db, users, app_data, tmp_path: Path) -> None:
    since = now() - timedelta(minutes=1)
    decided = _decide_some(users, app_data)
    paths = exports.write_decisions(users["pn_a"], since, tmp_path)
    by_name = {p.name.split("_2")[0] + p.suffix: p for p in paths}
    assert set(by_name) == {
        "application_decisions.csv",
        "application_decisions.json",
        "listing_decisions.csv",
        "listing_decisions.json",
    }

    frames = exports.decisions_since(users["pn_a"], since)
    apps_csv = exports.read_csv(by_name["application_decisions.csv"], exports.APPLICATION_SCHEMA)
    assert_frame_equal(apps_csv, frames.applications)
    apps_json = json.loads(by_name["application_decisions.json"].read_text(encoding="utf-8"))
    assert [r["application_id"] for r in apps_json] == frames.applications[
        "application_id"
    ].to_list()

    exported = {
        r["application_id"]: (r["decision"], r["reason_code"], r["note"])
        for r in apps_csv.filter(pl.col("action") != "start_review").iter_rows(named=True)
    }
    assert exported == decided
    assert all(r["decided_by"] == "pn_officer_a" for r in apps_json)

    lst = exports.read_csv(by_name["listing_decisions.csv"], exports.LISTING_SCHEMA)
    assert lst.select("listing_id", "version", "decision").rows() == [("L-1", 1, "approved")]


def test_export_only_since_and_only_in_scope(sqlite_db, users, app_data) -> None:
    _decide_some(users, app_data)
    assert (
        exports.decisions_since(users["pn_a"], now() + timedelta(minutes=1)).applications.height
        == 0
    )
    assert exports.decisions_since(users["bkk"], datetime(2000, 1, 1)).applications.height == 0


def test_cli_export(sqlite_db, users, app_data, tmp_path: Path, capsys) -> None:
    decided = _decide_some(users, app_data)
    out = tmp_path / "outbox"
    assert postmart(["export", "decisions", "--since", "2000-01-01", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.split()
    assert len(printed) == 4 and all(Path(p).exists() for p in printed)
    csv_path = next(Path(p) for p in printed if "application" in p and p.endswith(".csv"))
    got = exports.read_csv(csv_path, exports.APPLICATION_SCHEMA)
    assert set(got["application_id"]) == set(decided)
