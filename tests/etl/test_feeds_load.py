"""Every feed format loads into the lake; defects are quarantined; reloads change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from etl.feeds.demo_feeds import MANIFEST_NAME, write_demo_feeds
from etl.load import detect_feed, ledger, load_files, quarantine_rows
from tests.etl.helpers import count, query, write_csv
from tests.lake_catalogs import both_catalogs
from tests.lake_keys import all_key_problems
from warehouse.lake import connect_reader
from warehouse.query import table_counts
from warehouse.settings import Settings

FEED_KEYS = (
    "fct_order",
    "fct_order_item",
    "fct_settlement",
    "fct_payout",
    "fct_tracking_event",
    "seller_application",
    "dim_listing",
)


def _demo(frames: dict, reference: dict, out: Path, share: float) -> list[Path]:
    chosen = {k: frames[k] for k in FEED_KEYS}
    chosen["dim_branch"] = reference["dim_branch"].head(40)
    return write_demo_feeds(chosen, out, seed=5, defect_share=share)


@both_catalogs
def test_every_format_round_trips(lake: Settings, frames: dict, reference: dict, tmp_path: Path):
    paths = _demo(frames, reference, tmp_path / "feeds", share=0.0)
    names = {p.name for p in paths}
    assert {
        "orders_part1.csv",
        "orders_part2.parquet",
        "order_items_part1.csv",
        "order_items_part2.parquet",
        "settlements.csv",
        "payouts.csv",
        "track_th.json",
        "track_en.json",
        "tracking_events.jsonl",
        "applications.csv",
        "applications.xlsx",
        "listings.csv",
        "branch_master.csv",
    } <= names
    # The applications CSV really is Windows-874 with BE dates, Thai digits and dashed IDs.
    apps = (tmp_path / "feeds" / "applications.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        apps.decode("utf-8")
    text = apps.decode("cp874")
    assert "/256" in text or "/๒๕๖" in text and "๐" in text or "๑" in text
    assert (tmp_path / "feeds" / "listings.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    results = load_files(paths, settings=lake)
    assert [r.status for r in results] == ["loaded"] * len(paths), [r.message for r in results]
    assert all(r.count_quarantined == 0 for r in results), [r.by_reason for r in results]
    for table, key in [
        ("fct_order", "fct_order"),
        ("fct_order_item", "fct_order_item"),
        ("fct_settlement", "fct_settlement"),
        ("fct_payout", "fct_payout"),
        ("fct_tracking_event", "fct_tracking_event"),
        ("seller_application", "seller_application"),
        ("dim_listing", "dim_listing"),
    ]:
        assert count(lake, table) == frames[key].height, table

    # Values survive every encoding: BE dates back to CE, Thai digits and dashes removed.
    app = frames["seller_application"].row(0, named=True)
    got = query(
        lake,
        "select national_id, submitted_at, bank_account_no from seller_application "
        "where application_id = ?",
        [app["application_id"]],
    )[0]
    assert got[0] == app["national_id"]
    assert got[1] == app["submitted_at"].replace(second=0)  # the officers' sheet has minutes
    assert got[2] == app["bank_account_no"]
    ev = frames["fct_tracking_event"].sort("tracking_no", "event_at").row(0, named=True)
    got = query(
        lake,
        "select event_at, source from fct_tracking_event where tracking_no = ? and status_code = ?",
        [ev["tracking_no"], ev["status_code"]],
    )
    assert got[0][0] == ev["event_at"]
    order = frames["fct_order"].row(5, named=True)
    got = query(
        lake, "select total_thb, ordered_at from fct_order where order_id = ?", [order["order_id"]]
    )
    assert got == [(order["total_thb"], order["ordered_at"])]
    # A loaded branch master replaces the generated rows of its branch codes.
    sources = query(lake, "select distinct source from dim_branch where source <> 'generated'")
    assert sources == [("branch_master.csv",)]
    assert count(lake, "dim_branch") == reference["dim_branch"].height


@both_catalogs
def test_defects_are_quarantined_and_reload_changes_nothing(
    lake: Settings, frames: dict, reference: dict, tmp_path: Path
):
    out = tmp_path / "feeds"
    paths = _demo(frames, reference, out, share=0.05)
    first = load_files(out, settings=lake)  # a folder stands for its files
    assert {r.status for r in first} == {"loaded"}
    for r in first:
        assert r.count_read == r.count_loaded + r.count_quarantined
        assert sum(r.by_reason.values()) >= r.count_quarantined, r.file
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    found = set()
    con = connect_reader(lake)  # one reader for the checks: each new one loads extensions
    for r in first:
        q = quarantine_rows(r.load_id, lake, con)
        if q.height:
            assert q["reason"].str.len_chars().min() > 5
            assert q["record"].null_count() == 0
        found |= {
            (Path(r.file).name, *row)
            for row in q.select("line_no", "field", "reason_code").iter_rows()
        }
    missing = [
        m for m in manifest if (m["file"], m["line"], m["field"], m["reason_code"]) not in found
    ]
    assert not missing
    tables = ("fct_order", "fct_order_item", "fct_tracking_event", "etl_quarantine")
    counts = table_counts(con).filter(pl.col("table").is_in(tables))
    con.close()

    again = load_files(paths, settings=lake)
    assert {r.status for r in again} == {"already_loaded"}
    by_file = {r.file: r for r in first}
    for r in again:
        old = by_file[r.file]
        assert (r.count_read, r.count_loaded, r.count_quarantined) == (
            old.count_read,
            old.count_loaded,
            old.count_quarantined,
        )
        assert r.load_id == old.load_id
    con = connect_reader(lake)
    try:
        assert table_counts(con).filter(pl.col("table").is_in(tables)).equals(counts)
        assert counts["rows"].min() > 0
        assert ledger(lake, con).height == len(paths)
        # Every key the migrations state holds after real loads, quarantine and ledger
        # included.
        assert all_key_problems(con) == []
    finally:
        con.close()


ORDER_HEADER = (
    "order_id,seller_id,buyer_subdistrict_code,buyer_postal_code,buyer_province_code,ordered_at,"
    "status,payment_channel,service_code,count_items,subtotal_thb,shipping_fee_thb,discount_thb,"
    "total_thb,currency,updated_at\n"
)


def _order_line(frames: dict, i: int, **over: str) -> str:
    o = frames["fct_order"].row(i, named=True)
    o = {k: ("" if v is None else str(v)) for k, v in o.items()}
    o["ordered_at"] = o["updated_at"] = o["ordered_at"][:19]
    o.update(over)
    return ",".join(o[c] for c in ORDER_HEADER.strip().split(",")) + "\n"


@both_catalogs
def test_two_bad_fields_make_one_quarantined_row(lake: Settings, frames: dict, tmp_path: Path):
    path = write_csv(
        tmp_path / "orders_bad.csv",
        ORDER_HEADER
        + _order_line(frames, 0)
        + _order_line(frames, 1, total_thb="-3.00", currency="USD")
        + _order_line(frames, 2, ordered_at="2024-02-30 10:00:00"),
    )
    [r] = load_files([path], settings=lake)
    assert (r.count_read, r.count_loaded, r.count_quarantined) == (3, 1, 2)
    assert r.by_reason == {"negative_amount": 1, "wrong_currency": 1, "bad_date": 1}
    q = quarantine_rows(r.load_id, lake)
    assert q.select("line_no", "field", "value", "reason_code").rows() == [
        (3, "currency", "USD", "wrong_currency"),
        (3, "total_thb", "-3.00", "negative_amount"),
        (4, "ordered_at", "2024-02-30 10:00:00", "bad_date"),
    ]
    assert json.loads(q["record"][0])["order_id"] == frames["fct_order"]["order_id"][1]


def test_amount_past_the_satang_is_quarantined_not_rounded(
    lake: Settings, frames: dict, tmp_path: Path
):
    path = write_csv(
        tmp_path / "orders_satang.csv",
        ORDER_HEADER
        + _order_line(frames, 0, shipping_fee_thb="40.500")  # trailing zero: exact
        + _order_line(frames, 1, total_thb='"1,234.567"'),
    )
    [r] = load_files([path], settings=lake)
    assert (r.count_loaded, r.count_quarantined) == (1, 1)
    q = quarantine_rows(r.load_id, lake)
    assert q.select("line_no", "field", "reason_code").rows() == [
        (3, "total_thb", "too_many_decimals")
    ]
    # The same rule for typed (float) columns, as a Parquet export may carry them.
    bad = (
        frames["fct_order"]
        .head(2)
        .with_columns(pl.Series("total_thb", [10.25, 10.255]), order_id=pl.Series(["PQ-1", "PQ-2"]))
    )
    parquet = tmp_path / "orders_float.parquet"
    bad.write_parquet(parquet)
    [r] = load_files([parquet], settings=lake)
    assert (r.count_loaded, r.by_reason) == (1, {"too_many_decimals": 1})


@both_catalogs
def test_resent_record_updates_by_key(lake: Settings, frames: dict, tmp_path: Path):
    oid = frames["fct_order"]["order_id"][0]
    first = write_csv(
        tmp_path / "orders_1.csv", ORDER_HEADER + _order_line(frames, 0, status="paid")
    )
    later = write_csv(
        tmp_path / "orders_2.csv",
        ORDER_HEADER
        + _order_line(frames, 0, status="delivered", updated_at="2025-01-02 03:04:05")
        + _order_line(frames, 1),
    )
    load_files([first], settings=lake)
    [r] = load_files([later], settings=lake)
    assert r.status == "loaded" and r.count_loaded == 2
    rows = query(lake, "select status, updated_at from fct_order where order_id = ?", [oid])
    assert [(s, str(u)) for s, u in rows] == [("delivered", "2025-01-02 03:04:05")]
    assert count(lake, "fct_order") == 2


@both_catalogs
def test_item_for_an_order_loaded_in_the_same_call(lake: Settings, frames: dict, tmp_path: Path):
    oid = frames["fct_order"]["order_id"][0]
    items = write_csv(
        tmp_path / "order_items_x.csv",
        "order_id,line_no,listing_id,quantity,unit_price_thb,amount_thb\n"
        f"{oid},1,L0000001,2,10.00,20.00\nORD-NOPE,1,L0000001,1,5.00,5.00\n",
    )
    orders = write_csv(tmp_path / "orders_x.csv", ORDER_HEADER + _order_line(frames, 0))
    results = load_files([items, orders], settings=lake)  # items listed first, loaded second
    assert [r.feed for r in results] == ["orders", "order_items"]
    assert results[1].by_reason == {"unknown_order": 1} and results[1].count_loaded == 1


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("orders_trunc.parquet", b"PAR1\x00\x01garbage", "not a readable Parquet file"),
        ("track_cut.json", b'{"response":{"items":{"EF582568151TH":[{"barcode":"EF58', "JSON"),
        ("orders_bin.csv", bytes(range(256)) * 50, "binary content"),
        (
            "applications_enc.csv",
            b"application_id\n\xdb\xfc\xff\n",
            "unknown text encoding",
        ),
        ("payouts_wrong.csv", b"a,b,c\n1,2,3\n", "missing column"),
    ],
)
def test_unreadable_file_fails_and_loads_nothing(
    lake: Settings, tmp_path: Path, name: str, content: bytes, problem: str
):
    path = tmp_path / name
    path.write_bytes(content)
    [r] = load_files([path], settings=lake)
    assert r.status == "failed"
    assert name in r.message and problem in r.message
    assert ledger(lake).is_empty()
    assert count(lake, "etl_quarantine") == 0


@both_catalogs
def test_truncated_parquet_of_a_real_file(lake: Settings, frames: dict, tmp_path: Path):
    full = tmp_path / "orders_full.parquet"
    frames["fct_order"].write_parquet(full)
    cut = tmp_path / "orders_cut.parquet"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    [r] = load_files([cut], settings=lake)
    assert r.status == "failed" and "orders_cut.parquet" in r.message
    assert count(lake, "fct_order") == 0


def test_unknown_feed_is_named_clearly(tmp_path: Path):
    path = write_csv(tmp_path / "mystery.csv", "x,y\n1,2\n")
    with pytest.raises(ValueError, match="mystery.csv: cannot tell which feed"):
        detect_feed(path)
    renamed = write_csv(tmp_path / "export_2024.csv", ORDER_HEADER)
    assert detect_feed(renamed) == "orders"  # by header when the name says nothing


def test_unknown_status_codes_are_kept(lake: Settings, tmp_path: Path):
    doc = {
        "response": {
            "items": {
                "EF582568151TH": [
                    {
                        "barcode": "EF582568151TH",
                        "status": "777",
                        "status_description": "ใหม่",
                        "status_date": "19/07/2562 18:12:26+07:00",
                        "location": "X",
                        "postcode": "00131",
                    }
                ]
            },
            "track_count": {},
        },
        "message": "successful",
        "status": True,
    }
    path = tmp_path / "track_new.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    [r] = load_files([path], settings=lake)
    assert r.count_loaded == 1
    assert query(lake, "select status_code, event_at::varchar from fct_tracking_event") == [
        ("777", "2019-07-19 18:12:26")
    ]
