"""Tracking events drive shipment state: by the events' own times, duplicates once,
unknown codes kept, unknown parcels listed, and an incremental load = a full recompute.

The scenarios share one lake, loaded once (``story``): each parcel's files are loaded in
the order written here, one transaction per file, as the Data loads page would."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.identity.user import CLI_ACTOR
from dashboard.logistics import performance as perf
from dashboard.logistics import scorecards
from etl.load import load_files, shipment_state
from tests.logistics.helpers import Ev, label, labels_csv, place, s10, shipment, track_json
from warehouse.lake import connect_reader, connect_writer
from warehouse.settings import Settings

T0 = dt.datetime(2026, 3, 2, 9, 0)
LATE_EVENT, TWICE, BOTH_ERAS, ODD_CODE, BACK, FAILED_FIRST, NO_LABEL = (s10(i) for i in range(1, 8))


def _h(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def _load(lake: Settings, *paths: Path) -> None:
    """One writer for all (the machine is shared); each file is still its own load, in
    the order given within a feed."""
    results = load_files(list(paths), settings=lake)
    assert all(r.status == "loaded" for r in results), [r.message for r in results]


@dataclass(frozen=True)
class Story:
    lake: Settings
    unknown_before_label: list[tuple]


@pytest.fixture(scope="module")
def story(module_lake: Settings, tmp_path_factory: pytest.TempPathFactory) -> Story:
    lake, out = module_lake, tmp_path_factory.mktemp("story")
    p = place(lake)
    fail = Ev(TWICE, "401", _h(28), delivery_status="ไม่มีผู้รับ")
    labelled = [LATE_EVENT, TWICE, BOTH_ERAS, ODD_CODE, BACK, FAILED_FIRST]
    _load(
        lake,
        labels_csv(out / "shipments.csv", [label(n, p) for n in labelled]),
        track_json(
            out / "a.json",
            [
                Ev(LATE_EVENT, "103", _h(0), branch_code=p.branch_code),
                Ev(LATE_EVENT, "501", _h(30)),
                Ev(TWICE, "103", _h(0)),
                Ev(TWICE, "301", _h(26)),
                fail,
                Ev(BOTH_ERAS, "103", _h(0)),
                Ev(ODD_CODE, "103", _h(0)),
                Ev(ODD_CODE, "777", _h(5)),
                Ev(BACK, "103", _h(0)),
                Ev(BACK, "301", _h(24)),
                Ev(BACK, "401", _h(28), delivery_status="ปิดบ้าน"),
                Ev(BACK, "203", _h(50)),
                Ev(BACK, "206", _h(80), branch_code=p.branch_code),
                Ev(FAILED_FIRST, "103", _h(0)),
                Ev(FAILED_FIRST, "301", _h(24)),
                Ev(FAILED_FIRST, "401", _h(28), delivery_status="ไม่มีผู้รับ"),
                Ev(FAILED_FIRST, "301", _h(48)),
                Ev(FAILED_FIRST, "501", _h(50)),
                Ev(NO_LABEL, "103", _h(0)),
                Ev(NO_LABEL, "201", _h(3)),
            ],
            lang="TH",
        ),
        # Later files: the morning's out-for-delivery scan after the delivery; the same
        # failed attempt again and the same acceptance in English (Common-era years).
        track_json(
            out / "b.json",
            [Ev(LATE_EVENT, "301", _h(26), branch_code=p.other_branch_code), fail],
            lang="EN",
        ),
        track_json(out / "c.json", [Ev(BOTH_ERAS, "103", _h(0))], lang="EN"),
    )
    con = connect_reader(lake)
    try:
        unknown = con.execute(
            "select tracking_no, count_events from mart_unknown_parcel"
        ).fetchall()
    finally:
        con.close()
    _load(lake, labels_csv(out / "shipments_late.csv", [label(NO_LABEL, p, service_code="REG")]))
    return Story(lake, unknown)


def test_a_late_earlier_event_is_placed_by_its_own_time(story: Story) -> None:
    s = shipment(story.lake, LATE_EVENT)
    assert s["status"] == "delivered"
    assert s["last_status_code"] == "501"
    assert s["first_out_for_delivery_at"] == _h(26)
    assert s["delivered_at"] == _h(30)
    assert s["accepted_at"] == _h(0)
    assert s["count_events"] == 3


def test_the_same_event_twice_counts_once(story: Story) -> None:
    s = shipment(story.lake, TWICE)
    assert s["count_failed_attempts"] == 1
    assert s["status"] == "delivery_failed"
    assert s["last_failure_reason"] == "ไม่มีผู้รับ"


def test_buddhist_era_and_english_dates_are_the_same_moment(story: Story) -> None:
    s = shipment(story.lake, BOTH_ERAS)
    assert s["accepted_at"] == _h(0) and s["count_events"] == 1


def test_unknown_codes_are_kept_and_shown_as_unknown(story: Story) -> None:
    s = shipment(story.lake, ODD_CODE)
    assert s["status"] == "unknown"
    assert s["last_status_code"] == "777"


def test_return_to_sender(story: Story) -> None:
    b = shipment(story.lake, BACK)
    assert b["status"] == "returned" and b["is_returned"] and b["returned_at"] == _h(50)
    assert b["delivered_at"] is None and b["last_failure_reason"] == "ปิดบ้าน"


def test_failed_then_delivered(story: Story) -> None:
    d = shipment(story.lake, FAILED_FIRST)
    assert d["status"] == "delivered" and d["count_failed_attempts"] == 1
    assert d["first_out_for_delivery_at"] == _h(24) and d["delivered_at"] == _h(50)


def test_events_without_a_label_are_listed_until_the_label_comes(story: Story) -> None:
    assert story.unknown_before_label == [(NO_LABEL, 2)]
    s = shipment(story.lake, NO_LABEL)
    assert s["status"] == "in_transit" and s["standard_days"] == 5
    assert s["origin_branch_code"] is not None and s["dest_province_code"] is not None


_STORIES = (
    ("103", "201", "211", "206", "301", "501"),
    ("103", "211", "201", "211", "201", "206", "301", "501"),  # two mail-centre stays
    ("103", "201", "206", "301", "401", "301", "501"),
    ("103", "201", "206", "301", "401", "203", "201", "206"),
    ("102", "201", "211"),
    ("103", "201", "888"),
    ("103", "201", "206", "301", "501", "901"),
)


@pytest.mark.slow  # six loads: about 40 s on the shared machine
def test_incremental_loads_equal_a_full_recompute(lake: Settings, tmp_path: Path) -> None:
    """400 parcels, their events shuffled over five files with repeats, some labels after
    their events: the state after the loads is what one recompute over everything gives.
    (Small on purpose, to stay in the default run's budget.)"""
    rng = random.Random(7)
    p = place(lake)
    numbers = [s10(1000 + i, rng.choice(("EF", "RC", "CP"))) for i in range(400)]
    events: list[Ev] = []
    for no in numbers:
        t = rng.uniform(0, 200)
        for code in rng.choice(_STORIES):
            t += rng.uniform(0.5, 30)
            events.append(
                Ev(
                    no,
                    code,
                    _h(round(t, 2)),
                    branch_code=rng.choice((p.branch_code, p.other_branch_code, None)),
                    delivery_status="ไม่มีผู้รับ" if code == "401" else None,
                )
            )
    pool = events + rng.sample(events, 150)
    rng.shuffle(pool)
    early, late = numbers[:300], numbers[300:]
    _load(
        lake,
        labels_csv(tmp_path / "shipments_1.csv", [label(n, p) for n in early]),
        *(
            track_json(tmp_path / f"t{i}.json", pool[i::5], lang=("TH", "EN")[i % 2])
            for i in range(5)
        ),
    )
    _load(lake, labels_csv(tmp_path / "shipments_2.csv", [label(n, p) for n in late]))
    with connect_writer(lake) as con:
        stored = con.execute("select * from fct_shipment").pl().sort("tracking_no")
        full = shipment_state.compute(con, None).sort("tracking_no")
    assert stored.height == 400
    assert_frame_equal(stored.select(full.columns), full, check_dtypes=False)
    assert set(stored["status"]) >= {"delivered", "returned", "unknown", "at_mail_centre"}
    assert_marts_equal_a_full_recompute(lake)


def _marts(con: duckdb.DuckDBPyConnection) -> list[pl.DataFrame]:
    return [
        con.execute("select * from mart_shipment_timing").pl().sort("tracking_no"),
        con.execute("select * from mart_mail_centre_stay")
        .pl()
        .sort("tracking_no", "arrived_at", "location"),
        con.execute("select * from mart_open_shipment").pl().sort("tracking_no"),
    ]


def _open_rows_differ(con: duckdb.DuckDBPyConnection) -> int:
    """Rows in one of mart_open_shipment and the timing mart's open rows, not the other."""
    timing = "select * from mart_shipment_timing where not is_delivered and not is_returned"
    return (
        con.execute(
            f"select count(*) from (({timing}) except all (select * from mart_open_shipment)) "  # noqa: S608
            f"union all select count(*) from ((select * from mart_open_shipment) "
            f"except all ({timing}))"
        )
        .pl()
        .sum()
        .item()
    )


def _figures(con: duckdb.DuckDBPyConnection) -> list:
    f = perf.Filters(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    return [
        perf.summary(CLI_ACTOR, f, con=con).values,
        perf.d_plus_k(CLI_ACTOR, f, con=con).to_dicts(),
        perf.mail_centre_dwell(CLI_ACTOR, f, con=con).to_dicts(),
        scorecards.late_list(CLI_ACTOR, f, con=con).to_dicts(),
    ]


def assert_marts_equal_a_full_recompute(lake: Settings) -> None:
    """The timing marts as the loads left them (each recomputing only the shipments it
    touched) are what one recompute over every shipment and event gives, and so are the
    pages' figures read off them."""
    with connect_writer(lake) as con:
        stored, figures = _marts(con), _figures(con)
        assert stored[2].height and _open_rows_differ(con) == 0
        con.execute("begin")
        try:
            shipment_state.write_timing(con)
            full, full_figures = _marts(con), _figures(con)
        finally:
            con.execute("rollback")
    assert stored[0].height > 0
    for mine, theirs in zip(stored, full, strict=True):
        assert_frame_equal(mine, theirs)
    assert figures == full_figures


def test_the_timing_marts_equal_a_full_recompute(story: Story) -> None:
    assert_marts_equal_a_full_recompute(story.lake)
