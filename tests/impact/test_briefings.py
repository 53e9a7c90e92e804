"""Briefings pinned to a snapshot: re-verified unchanged after a late load, changed only
against the lake now; the XLSX in Thai and English with its about sheet; expiring old
snapshots keeps the pinned one."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from dashboard.errors import NotFound, PermissionDenied, ValidationFailed
from dashboard.identity import authz
from dashboard.impact import briefing_xlsx, briefings, expire, kpis, snapshots
from etl.load import load_files
from tests.impact.helpers import copy_lake
from tests.impact.test_seller_master import ORDER_HEADER
from warehouse.lake import connect_reader


@pytest.fixture
def live(demo_settings, sqlite_ops, data_dir, monkeypatch):
    """A writable copy of the tiny demo lake beside this test's ops DB."""
    return copy_lake(demo_settings, data_dir, monkeypatch)


def _busiest_province(settings) -> str:
    con = connect_reader(settings)
    try:
        return con.execute(
            "select province_code from dim_seller group by 1 order by count(*) desc, 1 limit 1"
        ).fetchone()[0]
    finally:
        con.close()


def _late_load(settings, tmp_path, day: dt.date, province: str) -> None:
    con = connect_reader(settings)
    try:
        sellers = [
            r[0]
            for r in con.execute(
                "select seller_id from dim_seller where province_code = ? limit 2", [province]
            ).fetchall()
        ]
    finally:
        con.close()
    lines = [
        f"ORD-LATE-{i},{sid},,,,{day} 10:00:00,delivered,card,EMS,1,1000.00,0,0,1000.00,THB,"
        for i, sid in enumerate(sellers)
    ]
    path = tmp_path / "orders_late.csv"
    path.write_text("\n".join([ORDER_HEADER, *lines]) + "\n", encoding="utf-8")
    assert load_files([path], settings=settings)[0].count_loaded == len(sellers) > 0


def test_a_pinned_briefing_reopens_and_reverifies_unchanged_after_a_late_load(
    live, users, tmp_path
) -> None:
    ministry = users["ministry"]
    province = _busiest_province(live)
    made = briefings.create(ministry, "สรุปจังหวัด ปีงบประมาณนี้", "this_fiscal_year", province=province)
    con = connect_reader(live)
    try:
        assert made.snapshot_id == snapshots.current_snapshot(con)
    finally:
        con.close()
    view = briefings.view_of(ministry, made)
    # One figure per KPI for the province and one per KPI for each of its districts.
    assert made.figures.height == len(kpis.KEYS) * (1 + view.areas.height)
    assert briefings.reverify(ministry, made.briefing_id) == []

    _late_load(live, tmp_path, view.reference_day, province)

    reopened = briefings.get(ministry, made.briefing_id)
    again = briefings.view_of(ministry, reopened)
    assert again.snapshot_id == made.snapshot_id
    assert again.totals == view.totals
    assert briefings.reverify(ministry, made.briefing_id) == []
    # Against the lake now (not pinned), the late orders show.
    changed = briefings.reverify(ministry, made.briefing_id, latest=True)
    changed_keys = {(c.section, c.kpi_key) for c in changed}
    assert ("totals", "gmv_thb") in changed_keys and ("totals", "orders") in changed_keys
    gmv = next(c for c in changed if (c.section, c.kpi_key) == ("totals", "gmv_thb"))
    assert gmv.now - gmv.pinned == pytest.approx(2000.0)

    assert [r["name"] for r in briefings.briefings(ministry).iter_rows(named=True)] == [
        "สรุปจังหวัด ปีงบประมาณนี้"
    ]


def test_who_may_make_briefings_and_what_is_refused(live, users) -> None:
    with pytest.raises(PermissionDenied):
        briefings.create(users["pn_a"], "x", "this_fiscal_year")
    with pytest.raises(ValidationFailed):
        briefings.create(users["ministry"], "  ", "this_fiscal_year")
    with pytest.raises(NotFound):
        briefings.get(users["ministry"], "nope")


def test_xlsx_in_thai_and_english_with_snapshot_filters_definitions_and_sources(
    live, users
) -> None:
    ministry = users["ministry"]
    made = briefings.create(ministry, "Phang Nga FY", "this_fiscal_year", province="82")
    view = briefings.view_of(ministry, made)
    con = connect_reader(live)
    try:
        snap = briefings.snapshot_of(made, con)
    finally:
        con.close()
    book = load_workbook(io.BytesIO(briefing_xlsx.workbook(made, view, snap)))
    assert book.sheetnames == list(briefing_xlsx.SHEETS)
    summary = [[c.value for c in row] for row in book[briefing_xlsx.SHEETS[0]].iter_rows()]
    assert summary[0][:3] == ["ตัวชี้วัด", "Indicator", "หน่วย / Unit"]
    assert [r[1] for r in summary[1:]] == [
        "Registered sellers",
        "Sellers approved",
        "Active sellers",
        "GMV of delivered orders",
        "Income reaching sellers",
        "Delivered orders",
        "Average order value",
        "Low-income share of sellers",
        "Low-income share of income",
        "Group members reached",
        "First-time online sellers",
        "Sellers per 100,000 people",
    ]
    assert book[briefing_xlsx.SHEETS[0]]["A1"].font.bold
    areas = [[c.value for c in row] for row in book[briefing_xlsx.SHEETS[1]].iter_rows()]
    assert len(areas) == 1 + 8
    # Districts of the tiny demo have a few sellers each: withheld in the export.
    assert "น้อยกว่า 5 / fewer than 5" in {v for row in areas[1:] for v in row}
    about = {
        row[0].value: (row[1].value, row[2].value)
        for row in book[briefing_xlsx.SHEETS[2]].iter_rows(min_row=2)
    }
    assert about["สแนปช็อตของคลังข้อมูล / Lake snapshot"][0] == f"#{made.snapshot_id}"
    assert about["ช่วงเวลา / Period"] == (view.period.label("th"), view.period.label("en"))
    assert about["พื้นที่ / Area"] == ("พังงา", "Phang-nga")  # the geography's English name
    assert about["gmv_thb.numerator"] == (
        "มูลค่าสินค้าของคำสั่งซื้อที่ส่งถึงแล้ว",
        "Goods value of delivered orders",
    )
    assert "mart_delivered_order" in about


def test_expiring_old_snapshots_keeps_the_pinned_one(live, users, tmp_path) -> None:
    ministry = users["ministry"]
    con = connect_reader(live)
    try:
        before = [s.snapshot_id for s in snapshots.snapshots(con)]
    finally:
        con.close()
    older = sorted(before)[len(before) // 2]
    made = briefings.create(
        ministry, "Pinned to an old snapshot", "last_fiscal_year", snapshot_id=older
    )
    assert made.snapshot_id == older
    done = expire.expire_snapshots(authz.CLI_ACTOR, expire.parse_age("0h"))
    assert done.kept_pinned == [older]
    assert older not in done.expired and len(done.expired) == len(before) - 2
    con = connect_reader(live)
    try:
        left = {s.snapshot_id for s in snapshots.snapshots(con)}
    finally:
        con.close()
    assert left == {older, max(before)}
    assert briefings.reverify(ministry, made.briefing_id) == []
    with pytest.raises(ValidationFailed):
        expire.parse_age("soon")
