"""Every KPI against the hand-worked fixture (fixture_lake.py): EMS, 2 working days;
Sundays, Songkran 13–15 April 2026 (the holidays package) and a cabinet day off.

Branch a's shipments S1–S7 accepted 1 Mar – 30 Apr 2026; as of 21 Apr 12:00.
- delivered: S1 Fri 10 → Thu 16 Apr (Sat 11 is day 1, Sun and Songkran 13–15 are not
  days, Thu 16 is day 2: D+2); S2 Fri 10 → Fri 17 Apr (D+3); S3 Thu 19 → Mon 23 Mar (the
  cabinet's Fri 20 off, Sat 21 day 1, Mon 23 day 2: D+2; D+3 without the cabinet day);
  S4 Mon 9 → Thu 12 Mar (D+3); S5 never (overdue: late); S6 accepted on the last day (not
  yet due); S7 returned, never delivered (overdue: late; and in the return rate).
- on time 2 (S1, S3) of 6 due → 33.33 %; without the cabinet day 1 of 6 → 16.67 %.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.errors import PermissionDenied
from dashboard.logistics import cold_chain
from dashboard.logistics import performance as perf
from etl.load import shipment_state
from tests.logistics import fixture_lake
from warehouse.lake import connect_reader, connect_writer
from warehouse.settings import Settings

PERIOD = perf.Filters(start=dt.date(2026, 3, 1), end=dt.date(2026, 4, 30))


@pytest.fixture(scope="module")
def kpi_lake(module_lake: Settings) -> Settings:
    fixture_lake.build(module_lake)
    return module_lake


@pytest.fixture
def con(kpi_lake: Settings):
    c = connect_reader(kpi_lake)
    yield c
    c.close()


@pytest.fixture
def manager_a(kpi_lake: Settings, make_user):
    a, _ra, _b, _rb = fixture_lake.branches(kpi_lake)
    user, _ = make_user("branch_manager", branch_code=a, postal_region_code=None)
    return user


def test_the_working_day_calendar_has_songkran_and_the_cabinet_day(con) -> None:
    rows = dict(
        con.execute(
            "select date_day, is_working_day from mart_working_day "
            "where date_day between '2026-04-10' and '2026-04-16' or date_day = '2026-03-20'"
        ).fetchall()
    )
    assert rows[dt.date(2026, 4, 11)] is True  # Saturday: post offices work
    assert rows[dt.date(2026, 4, 12)] is False  # Sunday
    assert not any(rows[dt.date(2026, 4, d)] for d in (13, 14, 15))  # Songkran
    assert rows[dt.date(2026, 4, 16)] is True
    assert rows[fixture_lake.CABINET_DAY] is False


def test_rates_and_counts(manager_a, con) -> None:
    s = perf.summary(manager_a, PERIOD, con=con)
    # due: S1–S4 delivered + S5 and S7 overdue; S6 within its standard.
    assert s.value("shipments_accepted") == 7
    assert s.value("on_time_rate") == 33.33  # S1 (D+2), S3 (D+2): 2 of 6
    # out for delivery S1–S4, S7; at first attempt S1–S3; failed S4, S7.
    assert s.value("first_attempt_rate") == 60.0
    assert s.value("failed_delivery_rate") == 40.0
    # final: 4 delivered + 1 returned; returned 1.
    assert s.value("return_to_sender_rate") == 20.0
    assert s.value("in_transit") == 2  # S5, S6
    assert s.as_of == fixture_lake.at(4, 21, 12)


def test_d_plus_k(manager_a, con) -> None:
    df = perf.d_plus_k(manager_a, PERIOD, con=con)
    assert dict(zip(df["k"], df["count_shipments"], strict=True)) == {2: 2, 3: 2}


def test_lead_time_percentiles(manager_a, con) -> None:
    df = perf.lead_times(manager_a, PERIOD, by="service", con=con)
    row = df.row(0, named=True)
    # S4 72 h, S3 96 h, S1 144 h, S2 168 h: p50 120, p90 144 + 0.7·24, p95 144 + 0.85·24.
    assert row["group_code"] == "EMS" and row["count_shipments"] == 4
    assert row["p50_hours"] == pytest.approx(120.0)
    assert row["p90_hours"] == pytest.approx(160.8)
    assert row["p95_hours"] == pytest.approx(164.4)


def test_failed_by_reason(manager_a, con) -> None:
    df = perf.failed_by_reason(manager_a, PERIOD, con=con)
    assert dict(zip(df["reason"], df["rate"], strict=True)) == {"ไม่มีผู้รับ": 20.0, "ปิดบ้าน": 20.0}


def test_another_regions_branch_is_refused(kpi_lake: Settings, manager_a, con) -> None:
    _a, _ra, b, rb = fixture_lake.branches(kpi_lake)
    with pytest.raises(PermissionDenied):
        perf.summary(manager_a, perf.Filters(branch=b), con=con)
    with pytest.raises(PermissionDenied):
        perf.summary(manager_a, perf.Filters(region=rb), con=con)


def test_a_region_manager_sees_only_their_region(kpi_lake: Settings, make_user, con) -> None:
    a, ra, b, rb = fixture_lake.branches(kpi_lake)
    user, _ = make_user("branch_manager", postal_region_code=rb)
    s = perf.summary(user, PERIOD, con=con)
    assert s.value("shipments_accepted") == 1  # S8 only
    with pytest.raises(PermissionDenied):
        perf.summary(user, perf.Filters(branch=a), con=con)


def test_one_page_run_keeps_each_accounts_scope(kpi_lake: Settings, make_user, con) -> None:
    """Within one page run the scope is resolved once per account and filters: another
    account, or a filter outside the account's scope, is checked on its own."""
    a, ra, b, rb = fixture_lake.branches(kpi_lake)
    manager_b, _ = make_user("branch_manager", postal_region_code=rb)
    national, _ = make_user("admin")
    with perf.one_view():
        assert perf.summary(manager_b, PERIOD, con=con).value("shipments_accepted") == 1
        again = perf.summary(manager_b, PERIOD, con=con)
        assert again.value("shipments_accepted") == 1
        assert perf.summary(national, PERIOD, con=con).value("shipments_accepted") > 1
        with pytest.raises(PermissionDenied):
            perf.summary(manager_b, perf.Filters(branch=a), con=con)
        with pytest.raises(PermissionDenied):
            perf.summary(manager_b, perf.Filters(branch=a), con=con)


def test_ministry_is_not_a_branch_viewer(make_user, con) -> None:
    user, _ = make_user("ministry")
    with pytest.raises(PermissionDenied):
        perf.summary(user, PERIOD, con=con)


def test_without_the_cabinet_day_s3_is_late(kpi_lake: Settings, manager_a) -> None:
    with connect_writer(kpi_lake) as w:
        w.execute("delete from ref_holiday_override")
        shipment_state.refresh_timing(w)  # as a holiday_overrides load does
    try:
        c = connect_reader(kpi_lake)
        try:
            assert perf.summary(manager_a, PERIOD, con=c).value("on_time_rate") == 16.67
        finally:
            c.close()
    finally:
        with connect_writer(kpi_lake) as w:
            fixture_lake.add_cabinet_day(w)


def test_late_items_segments(manager_a, con) -> None:
    df = perf.late_segments(manager_a, PERIOD, con=con)
    row = df.row(0, named=True)
    assert df.height == 1 and row["count_late"] == 2  # S2 and S4 (S5 never delivered)
    assert row["to_origin_centre_hours"] == pytest.approx(8.0)  # (10 + 6) / 2
    assert row["between_centres_hours"] == pytest.approx(52.0)  # (86 + 18) / 2
    assert row["to_branch_hours"] == pytest.approx(24.0)  # (45 + 3) / 2
    assert row["to_delivery_hours"] == pytest.approx(36.0)  # (27 + 45) / 2


def test_mail_centre_dwell(manager_a, con) -> None:
    df = perf.mail_centre_dwell(manager_a, PERIOD, con=con)
    row = df.row(0, named=True)
    assert df.height == 1 and row["location"] == fixture_lake.CENTRE
    assert row["count_stays"] == 2  # S3 left from another place: no stay
    assert row["p50_hours"] == pytest.approx(8.0)
    assert row["p90_hours"] == pytest.approx(9.6)  # 6 + 0.9 · 4


def test_pickup_backlog(manager_a, admin, con) -> None:
    national = perf.pickup_backlog(admin, PERIOD, con=con)
    # 10 h old: within the SLA; 30 h: under 48 h; 100 h (S9's order): 3–5 days.
    assert sorted(national.orders["order_id"]) == ["EF000000009TH", "O-NO-LABEL"]
    counts = dict(zip(national.buckets["bucket"], national.buckets["count_orders"], strict=True))
    assert counts == {"lt_48h": 1, "d2_3": 0, "d3_5": 1, "gt_5d": 0}
    mine = perf.pickup_backlog(manager_a, PERIOD, con=con)
    assert mine.orders["order_id"].to_list() == ["EF000000009TH"]
    assert mine.by_branch["count_orders"].to_list() == [1]


def test_the_deliveries_page_reads_the_same_figures_together(
    kpi_lake: Settings, manager_a, con
) -> None:
    """perf.deliveries (the page's one call, its reads two at a time) returns what each
    figure's own call returns, in the manager's scope; outside it, nothing is read."""
    view = perf.deliveries(manager_a, PERIOD, by="service", con=con)
    assert view.summary.values == perf.summary(manager_a, PERIOD, con=con).values
    assert view.summary.value("shipments_accepted") == 7
    assert view.d_plus_k.equals(perf.d_plus_k(manager_a, PERIOD, con=con))
    assert view.lead_times.equals(perf.lead_times(manager_a, PERIOD, con=con))
    assert view.failed_by_reason.equals(perf.failed_by_reason(manager_a, PERIOD, con=con))
    assert view.backlog.orders["order_id"].to_list() == ["EF000000009TH"]
    assert view.dwell.equals(perf.mail_centre_dwell(manager_a, PERIOD, con=con))
    assert view.late_segments["count_late"].to_list() == [2]
    by_region = perf.deliveries(manager_a, PERIOD, by="region", con=con)
    assert by_region.lead_times.equals(perf.lead_times(manager_a, PERIOD, by="region", con=con))
    _a, _ra, b, _rb = fixture_lake.branches(kpi_lake)
    with pytest.raises(PermissionDenied):
        perf.deliveries(manager_a, perf.Filters(branch=b), con=con)


MAY = perf.Filters(start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31))


def test_cold_chain_excursions_at_their_edges(manager_a, con) -> None:
    cc = cold_chain.cold_chain(manager_a, MAY, con=con)  # EXCURSION_MINUTES 30 (default)
    by = {r["tracking_no"]: r for r in cc.shipments.iter_rows(named=True)}
    assert by["EF000000011TH"]["minutes_out_of_range"] == pytest.approx(30.0)
    assert by["EF000000011TH"]["has_excursion"]  # exactly the minimum: an excursion
    assert by["EF000000012TH"]["minutes_out_of_range"] == pytest.approx(29.0)
    assert not by["EF000000012TH"]["has_excursion"]  # a minute short
    assert by["EF000000013TH"]["minutes_out_of_range"] == pytest.approx(45.0)
    assert by["EF000000013TH"]["has_excursion"]  # never back in range: to its last reading
    assert (cc.count_monitored, cc.count_with_excursion) == (3, 2)
    assert cc.excursion_rate == pytest.approx(66.67)
    lanes = cc.rates["mail_centre"].row(0, named=True)
    assert lanes["origin_mail_centre_code"] == "MC-T" and lanes["excursion_rate"] == 66.67
