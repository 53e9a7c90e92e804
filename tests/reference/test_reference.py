"""Reference geography, the branch network and the calendar, built once per session."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from etl.reference import (
    REFERENCE_TABLES,
    SCHEMAS,
    build_dim_date,
    build_reference,
    conform_branches,
    province_of_point,
    write_reference,
)
from etl.reference.geography import build_geography
from warehouse.lake import connect_writer
from warehouse.query import fetch_df

KEYS = {
    "dim_region": ["region_code"],
    "dim_postal_region": ["postal_region_code"],
    "dim_postal_zone": ["postal_zone"],
    "dim_province": ["province_code"],
    "dim_district": ["district_code"],
    "dim_subdistrict": ["subdistrict_code"],
    "dim_postal_code": ["postal_code", "subdistrict_code"],
    "dim_mail_centre": ["mail_centre_code"],
    "dim_branch": ["branch_code"],
    "dim_digital_centre": ["digital_centre_id"],
}
LOCATED = (
    "dim_province",
    "dim_district",
    "dim_subdistrict",
    "dim_mail_centre",
    "dim_branch",
    "dim_digital_centre",
)


@pytest.fixture(scope="session")
def ref() -> dict[str, pl.DataFrame]:
    return build_reference(seed=1)


def test_admin_areas_are_complete(ref: dict[str, pl.DataFrame]) -> None:
    assert ref["dim_province"].height == 77
    assert ref["dim_district"].height == 928
    assert ref["dim_subdistrict"].height == 7436
    assert ref["dim_postal_code"]["subdistrict_code"].n_unique() == 7436


@pytest.mark.parametrize("table", REFERENCE_TABLES)
def test_keys_are_unique_and_not_null(ref: dict[str, pl.DataFrame], table: str) -> None:
    df = ref[table]
    keys = KEYS[table]
    assert df.select(keys).null_count().sum_horizontal().item() == 0
    assert df.select(keys).is_duplicated().sum() == 0
    assert dict(df.schema) == SCHEMAS[table]


def test_six_region_counts(ref: dict[str, pl.DataFrame]) -> None:
    counts = dict(ref["dim_province"].group_by("region_code").len().iter_rows())
    assert counts == {"north": 9, "central": 22, "northeast": 20, "west": 5, "east": 7, "south": 14}
    assert set(counts) == set(ref["dim_region"]["region_code"])


def test_every_province_has_a_postal_region(ref: dict[str, pl.DataFrame]) -> None:
    province = ref["dim_province"]
    assert province["postal_region_code"].null_count() == 0
    assert set(province["postal_region_code"]) <= set(
        ref["dim_postal_region"]["postal_region_code"]
    )
    pr06 = province.filter(pl.col("postal_region_code") == "PR06")["name_en"].sort().to_list()
    assert pr06 == sorted(
        ["Nakhon Sawan", "Uthai Thani", "Kamphaeng Phet", "Tak"]
        + ["Sukhothai", "Phitsanulok", "Phichit", "Phetchabun"]
    )


def test_population_weights(ref: dict[str, pl.DataFrame]) -> None:
    province = ref["dim_province"]
    assert province["population_weight"].sum() == pytest.approx(1.0)
    assert (province["population_weight"] > 0).all()
    sums = ref["dim_subdistrict"].group_by("province_code").agg(pl.col("population_weight").sum())
    assert np.allclose(sums["population_weight"].to_numpy(), 1.0)
    # The largest provinces by DOPA's count come out on top here too.
    top = province.sort("population_weight", descending=True)["name_en"].head(3).to_list()
    assert top == ["Bangkok", "Nakhon Ratchasima", "Ubon Ratchathani"]


@pytest.mark.parametrize("table", LOCATED)
def test_coordinates_lie_in_their_own_province(ref: dict[str, pl.DataFrame], table: str) -> None:
    df = ref[table]
    lat, lon = df["lat"].to_numpy(), df["lon"].to_numpy()
    assert ((lat > 5.6) & (lat < 20.5) & (lon > 97.3) & (lon < 105.7)).all()
    found = province_of_point(lat, lon)
    wrong = df.filter(pl.Series(found != df["province_code"].to_numpy().astype("U2")))
    assert wrong.height == 0, wrong.head()


def test_province_of_point_known_places() -> None:
    codes = province_of_point(
        [13.7563, 18.7883, 7.0086, 1.3, 13.7], [100.5018, 98.9853, 100.4747, 103.8, 90.0]
    )
    assert codes.tolist() == ["10", "50", "90", "", ""]


def test_nonthaburi_uses_11xxx_postal_codes(ref: dict[str, pl.DataFrame]) -> None:
    codes = ref["dim_postal_code"].filter(pl.col("province_code") == "12")["postal_code"]
    assert codes.len() > 0
    assert codes.str.starts_with("11").all()
    zones = ref["dim_postal_code"].filter(pl.col("province_code") == "12")["postal_zone"]
    assert set(zones) == {"1"}


def test_branch_network_shape(ref: dict[str, pl.DataFrame]) -> None:
    branch = ref["dim_branch"]
    assert 4800 <= branch.height <= 5200
    mix = dict(branch.group_by("branch_type").len().iter_rows())
    assert 1100 <= mix["post_office"] <= 1300
    assert 3000 <= mix["licensed_post_office"] <= 3200
    assert (
        mix["counter"] + mix["shop"]
        == branch.height - mix["post_office"] - mix["licensed_post_office"]
    )
    assert branch["is_active"].all()
    assert set(branch["source"]) == {"generated"}
    assert branch.select(pl.all().null_count()).sum_horizontal().item() == 0
    assert branch["province_code"].n_unique() == 77
    assert branch["branch_code"].str.contains(r"^(PO|LP|CT|SH)-\d{5}-\d{3}$").all()


def test_branch_postal_code_belongs_to_its_subdistrict(ref: dict[str, pl.DataFrame]) -> None:
    branch = ref["dim_branch"]
    joined = branch.join(
        ref["dim_postal_code"], on=["subdistrict_code", "postal_code"], how="left", suffix="_pc"
    )
    assert joined["district_code_pc"].null_count() == 0
    assert (joined["district_code"] == joined["district_code_pc"]).all()
    assert (joined["province_code"] == joined["province_code_pc"]).all()


def test_own_post_office_in_every_postal_code_and_district(ref: dict[str, pl.DataFrame]) -> None:
    offices = ref["dim_branch"].filter(pl.col("branch_type") == "post_office")
    assert set(ref["dim_postal_code"]["postal_code"]) <= set(offices["postal_code"])
    assert set(ref["dim_district"]["district_code"]) <= set(offices["district_code"])


def test_mail_centres_are_hubs_of_their_region(ref: dict[str, pl.DataFrame]) -> None:
    centres = ref["dim_mail_centre"]
    assert centres.height == 19
    names = set(centres["name_en"])
    assert {
        "Suvarnabhumi Mail Centre",
        "Laksi Mail Centre",
        "EMS Center",
        "Bangkok Center",
    } <= names
    joined = ref["dim_branch"].join(centres, on="mail_centre_code", suffix="_mc")
    assert joined.height == ref["dim_branch"].height
    assert (joined["postal_region_code"] == joined["postal_region_code_mc"]).all()


def test_digital_centres_cover_every_province(ref: dict[str, pl.DataFrame]) -> None:
    dc = ref["dim_digital_centre"]
    assert dc.height == 2222
    assert dc["province_code"].n_unique() == 77
    assert dc["digital_centre_id"].to_list()[:2] == ["DC0001", "DC0002"]


def test_same_seed_same_frames_other_seed_other_points(ref: dict[str, pl.DataFrame]) -> None:
    build_geography.cache_clear()  # rebuild from scratch, not from the cache
    again = build_reference(seed=1)
    for table in REFERENCE_TABLES:
        assert_frame_equal(ref[table], again[table])
    other = build_reference(seed=2)
    assert not other["dim_branch"]["lat"].equals(ref["dim_branch"]["lat"])
    assert other["dim_branch"].height == ref["dim_branch"].height


def test_conform_branches_fills_derived_columns(ref: dict[str, pl.DataFrame]) -> None:
    sub = ref["dim_subdistrict"].filter(pl.col("subdistrict_code") == "500101").row(0, named=True)
    single = (
        ref["dim_postal_code"]
        .group_by("postal_code")
        .len()
        .filter(pl.col("len") == 1)
        .sort("postal_code")
    )["postal_code"][0]
    master = pl.DataFrame(
        {
            "branch_code": ["50000", "X1", "X2"],
            "name_th": ["ปณ.เชียงใหม่", "ก", "ข"],
            "name_en": ["Chiang Mai", "A", "B"],
            "branch_type": ["post_office", "licensed_post_office", "counter"],
            "subdistrict_code": ["500101", None, "999999"],
            "postal_code": [sub["postal_code"], single, "99999"],
        }
    )
    out = conform_branches(master)
    assert dict(out.schema) == SCHEMAS["dim_branch"]
    first, second, unknown = out.rows(named=True)
    assert (first["district_code"], first["province_code"]) == ("5001", "50")
    assert first["postal_region_code"] == "PR05"
    assert first["mail_centre_code"] == "MC05"  # Chiang Mai mail centre
    assert (first["lat"], first["lon"]) == (sub["lat"], sub["lon"])
    assert first["source"] == "branch_master" and first["is_active"]
    assert second["subdistrict_code"] is not None and second["mail_centre_code"] is not None
    assert unknown["district_code"] is None and unknown["mail_centre_code"] is None


def test_dim_date_years_and_working_days() -> None:
    cal = build_dim_date(dt.date(2023, 9, 29), dt.date(2024, 4, 16))
    assert dict(cal.schema) == SCHEMAS["dim_date"]
    day = {r["date_day"]: r for r in cal.iter_rows(named=True)}
    assert cal.height == (dt.date(2024, 4, 16) - dt.date(2023, 9, 29)).days + 1
    assert day[dt.date(2023, 9, 30)]["year_be"] == 2566
    assert day[dt.date(2023, 9, 30)]["fiscal_year_be"] == 2566
    assert day[dt.date(2023, 10, 1)]["fiscal_year_be"] == 2567
    assert day[dt.date(2024, 1, 1)]["year_be"] == 2567
    assert day[dt.date(2024, 1, 1)]["quarter"] == 1
    sunday = day[dt.date(2023, 10, 1)]
    assert sunday["day_of_week"] == 7 and not sunday["is_working_day"]
    saturday = day[dt.date(2023, 9, 30)]
    assert saturday["day_of_week"] == 6 and saturday["is_working_day"]
    chulalongkorn = day[dt.date(2023, 10, 23)]
    assert chulalongkorn["is_public_holiday"] and not chulalongkorn["is_working_day"]
    assert chulalongkorn["holiday_name_th"] == "วันปิยมหาราช"
    assert day[dt.date(2024, 2, 24)]["holiday_name_en"] == "Makha Bucha Day"
    assert day[dt.date(2024, 4, 16)]["is_public_holiday"]  # Songkran substitution day


def test_dim_date_two_holidays_on_one_day() -> None:
    cal = build_dim_date(dt.date(2023, 6, 3), dt.date(2023, 6, 3))
    assert cal["holiday_name_en"].item() == "Queen Suthida's Birthday / Visakha Bucha Day"


def test_write_reference_into_ducklake(settings, ref: dict[str, pl.DataFrame]) -> None:
    calendar = build_dim_date(dt.date(2023, 1, 1), dt.date(2027, 12, 31))
    with connect_writer(settings) as con:
        lake_columns = fetch_df(
            con,
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_catalog = 'lake' order by table_name, ordinal_position",
        )
        for table, schema in SCHEMAS.items():
            cols = lake_columns.filter(pl.col("table_name") == table)["column_name"].to_list()
            assert cols == list(schema), table
        write_reference(con, {**ref, "dim_date": calendar})
        write_reference(con, ref)  # a second write replaces, never appends
        counts = {
            t: con.execute(f'select count(*) from "{t}"').fetchone()[0]  # noqa: S608
            for t in (*REFERENCE_TABLES, "dim_date")
        }
        assert counts["dim_subdistrict"] >= 7400
        assert counts["dim_branch"] == ref["dim_branch"].height
        assert counts["dim_date"] == calendar.height
        # connect_writer's connection has `use lake`; a fresh cursor (fetch_df) would not.
        nonthaburi = con.execute(
            "select distinct substr(pc.postal_code, 1, 2) as prefix from dim_branch b "
            "join dim_postal_code pc using (subdistrict_code, postal_code) "
            "where b.province_code = ?",
            ["12"],
        ).pl()
        assert nonthaburi["prefix"].to_list() == ["11"]


def test_failed_write_leaves_lake_as_it_was(settings, ref: dict[str, pl.DataFrame]) -> None:
    with connect_writer(settings) as con:
        write_reference(con, {"dim_region": ref["dim_region"]})
        broken = ref["dim_province"].drop("lat")
        with pytest.raises(pl.exceptions.ColumnNotFoundError):
            write_reference(con, {"dim_region": ref["dim_region"].head(1), "dim_province": broken})
        assert con.execute("select count(*) from dim_region").fetchone()[0] == 6
