"""The KPI registry against a hand-computed fixture: six sellers, a few orders and payouts
on both sides of the fiscal year 2569 (1 Oct 2025 – 30 Sep 2026); suppression at and around
the threshold, on the page and in exports."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import polars as pl
import pytest

from dashboard.errors import NotFound, PermissionDenied
from dashboard.identity import authz
from dashboard.impact import figures, kpis
from dashboard.impact.figures import NATIONAL_POPULATION
from etl.load import impact_marts
from warehouse.lake import connect_reader, connect_writer
from warehouse.settings import Settings, load_settings

T = dt.datetime
CLI = authz.CLI_ACTOR


def _insert(con, table: str, rows: list[dict]) -> None:
    con.register("rows_in", pl.DataFrame(rows, infer_schema_length=None))
    con.execute(f"insert into {table} by name select * from rows_in")  # noqa: S608
    con.unregister("rows_in")


def _seller(sid, prov, dist, low, members, approved):
    return {
        "seller_id": sid,
        "seller_type": "community_enterprise",
        "province_code": prov,
        "district_code": dist,
        "subdistrict_code": dist + "01",
        "is_low_income": low,
        "count_members": members,
        "status": "active",
        "approved_at": approved,
    }


def _order(oid, sid, at, status, amount):
    return {
        "order_id": oid,
        "seller_id": sid,
        "ordered_at": at,
        "status": status,
        "subtotal_thb": amount,
        "total_thb": amount,
        "currency": "THB",
    }


def _payout(pid, sid, paid_at, status, net):
    return {
        "payout_id": pid,
        "seller_id": sid,
        "paid_at": paid_at,
        "status": status,
        "net_thb": net,
        "gross_thb": net,
    }


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    d = tmp_path_factory.mktemp("kpi") / "data"
    d.mkdir()
    settings = load_settings({"POSTMART_DATA_DIR": str(d)})
    with connect_writer(settings) as con:
        _insert(
            con,
            "dim_region",
            [
                {"region_code": "south", "name_th": "ภาคใต้", "name_en": "South"},
                {"region_code": "north", "name_th": "ภาคเหนือ", "name_en": "North"},
            ],
        )
        _insert(
            con,
            "dim_province",
            [
                {"province_code": "82", "name_th": "พังงา", "name_en": "Phang Nga",
                 "region_code": "south", "population_weight": 0.004},
                {"province_code": "83", "name_th": "ภูเก็ต", "name_en": "Phuket",
                 "region_code": "south", "population_weight": 0.006},
                {"province_code": "50", "name_th": "เชียงใหม่", "name_en": "Chiang Mai",
                 "region_code": "north", "population_weight": 0.02},
            ],
        )  # fmt: skip
        _insert(
            con,
            "dim_district",
            [
                {"district_code": c, "province_code": c[:2], "name_th": f"อ.{c}", "name_en": c}
                for c in ("8201", "8202", "8301", "5001")
            ],
        )
        _insert(
            con,
            "dim_subdistrict",
            [
                {"subdistrict_code": c + "01", "district_code": c, "province_code": c[:2],
                 "population_weight": w}
                for c, w in (("8201", 0.5), ("8202", 0.5), ("8301", 1.0), ("5001", 1.0))
            ],
        )  # fmt: skip
        _insert(
            con,
            "dim_seller",
            [
                _seller("S1", "82", "8201", True, 10, T(2025, 8, 1)),
                _seller("S2", "82", "8201", False, 1, T(2025, 10, 15)),
                _seller("S3", "82", "8202", True, 20, T(2025, 11, 1)),
                _seller("S4", "83", "8301", False, 5, T(2024, 1, 1)),
                _seller("S5", "50", "5001", True, 7, T(2026, 2, 1)),
                _seller("S6", "50", "5001", False, 1, T(2026, 10, 5)),
            ],
        )
        _insert(
            con,
            "fct_order",
            [
                _order("O1", "S1", T(2025, 9, 30, 23), "delivered", 100.0),  # FY 2568
                _order("O2", "S1", T(2025, 10, 1, 0), "delivered", 200.0),  # first instant
                _order("O3", "S1", T(2026, 9, 30, 23, 59), "delivered", 300.0),  # last minute
                _order("O4", "S2", T(2025, 12, 1), "delivered", 50.0),
                _order("O5", "S2", T(2026, 1, 1), "cancelled", 999.0),
                _order("O6", "S3", T(2026, 3, 1), "shipped", 400.0),  # not delivered
                _order("O7", "S4", T(2026, 10, 1, 0), "delivered", 700.0),  # FY 2570
                _order("O8", "S5", T(2026, 5, 5), "delivered", 150.0),
            ],
        )
        _insert(
            con,
            "fct_payout",
            [
                _payout("P1", "S1", T(2025, 11, 5), "paid", 180.0),
                _payout("P2", "S1", T(2026, 10, 2), "paid", 290.0),
                _payout("P3", "S2", None, "held", 45.0),
                _payout("P4", "S5", T(2026, 6, 5), "paid", 140.0),
                _payout("P5", "S4", T(2025, 9, 30), "paid", 600.0),
            ],
        )
        impact_marts.refresh(con, None)  # what the lake writer does after orders and payouts
    return settings


_READER: dict[str, object] = {}


@pytest.fixture(scope="module", autouse=True)
def _one_reader() -> Iterator[None]:
    """The module's views share one reader of the fixture lake (attaching one per view
    was most of these tests' time)."""
    yield
    for con in _READER.values():
        con.close()
    _READER.clear()


def _view(lake: Settings, period="fy2569", threshold=5, **kw) -> figures.ImpactView:
    s = dataclasses.replace(lake, small_number_min_sellers=threshold)
    if lake.lake_catalog not in _READER:
        _READER[lake.lake_catalog] = connect_reader(lake)
    return figures.impact_view(CLI, period, settings=s, con=_READER[lake.lake_catalog], **kw)


def _totals(view) -> dict[str, float | None]:
    return {k: f.value for k, f in view.totals.items()}


def test_every_kpi_of_fiscal_year_2569_by_hand(lake) -> None:
    view = _view(lake)
    assert view.level == "region" and view.income_source == "payouts"
    population = 0.03 * NATIONAL_POPULATION
    expected = {
        "sellers_registered": 5,  # S1–S5 approved before 1 Oct 2026 (S6 after)
        "sellers_approved": 3,  # S2, S3, S5 approved within the year
        "active_sellers": 3,  # S1, S2, S5: a delivered order (S3's is only shipped)
        "gmv_thb": 700.0,  # 200 + 300 + 50 + 150
        "income_thb": 320.0,  # payouts paid in the year: S1 180, S5 140
        "orders": 4,
        "average_order_value_thb": 175.0,
        "low_income_seller_share": 200 / 3,  # S1 and S5 of three active
        "low_income_income_share": 100.0,  # both payouts went to low-income sellers
        "members_reached": 18,  # 10 + 1 + 7
        "first_time_sellers": 2,  # S2, S5 (S1 first sold in FY 2568)
        "sellers_per_100k": 5 / population * 100_000,
    }
    got = _totals(view)
    assert set(got) == set(kpis.KEYS)
    for key, value in expected.items():
        assert got[key] == pytest.approx(value), key


def test_comparisons_previous_period_and_year_before(lake) -> None:
    view = _view(lake)
    assert view.previous.code == "fy2568" == view.year_before.code
    gmv = view.totals["gmv_thb"]
    assert gmv.previous == pytest.approx(100.0)  # O1
    assert gmv.change(gmv.previous) == pytest.approx(600.0)
    assert view.totals["income_thb"].previous == pytest.approx(600.0)  # S4's payout
    quarter = _view(lake, "q2026-1")  # Jan–Mar 2026: nothing delivered, S5 approved
    assert quarter.totals["gmv_thb"].value == 0
    assert quarter.totals["sellers_approved"].value == 1
    assert quarter.previous.code == "q2025-4"
    assert quarter.totals["gmv_thb"].previous == pytest.approx(250.0)  # O2 1 Oct, O4 1 Dec
    assert quarter.year_before.code == "q2025-1"


def test_drill_down_region_province_district(lake) -> None:
    regions = _view(lake).areas.select("area_code", "n_active", "gmv_thb").to_dicts()
    assert regions == [
        {"area_code": "north", "n_active": 1, "gmv_thb": 150.0},
        {"area_code": "south", "n_active": 2, "gmv_thb": 550.0},
    ]
    south = _view(lake, region="south")
    assert south.level == "province"
    assert south.areas["area_code"].to_list() == ["82", "83"]
    assert south.totals["gmv_thb"].value == pytest.approx(550.0)
    phang_nga = _view(lake, province="82")
    assert (phang_nga.level, phang_nga.region) == ("district", "south")
    rows = phang_nga.areas.select("area_code", "n_registered", "n_active").to_dicts()
    assert rows == [
        {"area_code": "8201", "n_registered": 2, "n_active": 2},
        {"area_code": "8202", "n_registered": 1, "n_active": 0},
    ]
    # District population: the subdistricts' shares of the province's.
    per_100k = phang_nga.areas.filter(pl.col("area_code") == "8201")["sellers_per_100k"][0]
    assert per_100k == pytest.approx(2 / (0.004 * NATIONAL_POPULATION * 0.5) * 100_000)
    with pytest.raises(NotFound):
        _view(lake, province="99")


def test_income_is_delivered_sales_until_payouts_exist(lake, tmp_path) -> None:
    # The same measures with the payouts switched off, as a lake without any would be.
    con = connect_reader(lake)
    try:
        period = figures.periods.parse("fy2569", dt.date(2026, 10, 1))
        m = figures._measures(con, period, "region", "", "", use_payouts=False)
    finally:
        con.close()
    assert figures.totals_of(m)["income_thb"] == pytest.approx(700.0)


@pytest.mark.parametrize(
    ("threshold", "withheld"),
    [(2, False), (3, True)],  # district 8201 rests on 2 active sellers
)
def test_suppression_at_and_around_the_threshold(lake, threshold, withheld) -> None:
    district = _view(lake, province="82", threshold=threshold)
    row = district.shown("gmv_thb").filter(pl.col("area_code") == "8201").row(0, named=True)
    assert row["sellers"] == 2
    assert row["withheld"] is withheld
    assert (row["value"] is None) is withheld
    # Province level on the page: shown whatever the count (not a district)...
    province = _view(lake, region="south", threshold=threshold)
    p82 = province.shown("gmv_thb").filter(pl.col("area_code") == "82").row(0, named=True)
    assert p82["value"] == pytest.approx(550.0) and not p82["withheld"]
    # ...but every export withholds it below the threshold.
    exported = province.shown("gmv_thb", export=True)
    assert exported.filter(pl.col("area_code") == "82")["withheld"][0] is withheld


def test_export_frame_says_fewer_than_n(lake) -> None:
    view = _view(lake, region="south")  # Phang Nga 3 registered, Phuket 1: all under 5
    th = view.export_frame("th")
    assert th.columns[0] == "พื้นที่"
    assert th["พื้นที่"].to_list() == ["พังงา", "ภูเก็ต", "รวม"]
    gmv = th["มูลค่าสินค้าที่ส่งถึง (GMV)"].to_list()
    assert gmv == ["น้อยกว่า 5", "น้อยกว่า 5", "น้อยกว่า 5"]
    en = _view(lake, region="south", threshold=2).export_frame("en")
    assert en["GMV of delivered orders"].to_list() == ["550.0", "fewer than 2", "550.0"]
    assert en["Active sellers"].to_list() == ["2", "fewer than 2", "2"]  # counts as counts


def test_mart_figures_equal_the_facts(lake) -> None:
    # The pages read the seller × month mart; the same views computed off the facts, for
    # whole and to-date periods, every level. One reader for all.
    con = connect_reader(lake)
    try:
        cases = [
            (period, place)
            for period in ("fy2569", "q2026-1", "this_fiscal_year", "this_month")
            for place in ({}, {"province": "82"})
        ] + [("m2026-05", {"region": "south"})]
        for period, place in cases:
            mart = figures.impact_view(CLI, period, con=con, settings=lake, **place)
            facts = figures.impact_view(
                CLI, period, con=con, settings=lake, use_mart=False, **place
            )
            assert mart.areas.equals(facts.areas), (period, place)
            assert mart.provinces.equals(facts.provinces), (period, place)
            assert mart.totals == facts.totals, (period, place)
    finally:
        con.close()


def test_is_small_boundaries() -> None:
    assert kpis.is_small(4, 5) and not kpis.is_small(5, 5) and not kpis.is_small(6, 5)
    assert kpis.is_small(0, 5)


def test_only_the_ministry_and_admins_see_programme_figures(lake, users, monkeypatch) -> None:
    for who in ("pn_a",):
        with pytest.raises(PermissionDenied):
            figures.impact_view(users[who], "fy2569", settings=lake)
    monkeypatch.setenv("POSTMART_LAKE_CATALOG", lake.lake_catalog)
    monkeypatch.setenv("POSTMART_LAKE_DATA_PATH", lake.lake_data_path)
    view = figures.impact_view(users["ministry"], "fy2569")
    assert view.totals["active_sellers"].value == 3
