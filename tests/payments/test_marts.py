"""The payments pages' marts (lake migration 0012) give the figures the direct computation
on the facts gives: built whole by the demo here; refreshed day by day by the loads in
``test_recon_demo.test_an_incremental_run_after_new_files_equals_a_full_run``, which loads
the demo's files once for both."""

from __future__ import annotations

import datetime as dt

from dashboard.payments import marts, recon
from etl.load import payment_marts
from warehouse import query
from warehouse.lake import connect_reader, connect_writer
from warehouse.settings import Settings

RAIL_READS = ("payments/statement", "payments/funding")
READS = (
    "payments/health_daily",
    "payments/health_channels",
    "payments/failure_reasons",
    "payments/settlement_lag",
    "payments/settlement_fees",
    "payments/cod_custody",
    "payments/payout_eligible",
)


def _params(settings: Settings, as_of: dt.date, days: int) -> dict:
    return {
        **recon.break_params(settings, as_of),
        "start": as_of - dt.timedelta(days=days),
        "end": as_of,
        "recent_days": 7,
        "baseline_days": 28,
        "min_drop_points": 5.0,
        "z_limit": 3.0,
        "national": True,
        "branches": [],
        "from_on": as_of - dt.timedelta(days=days + 7),
        "through_on": as_of - dt.timedelta(days=7),
        "window_days": settings.payout_return_window_days,
    }


def assert_marts_match(settings: Settings) -> int:
    """Every mart-backed read equals its direct twin (values and types); the rows seen."""
    con = connect_reader(settings)
    try:
        assert marts.built(con)
        as_of = query.run(con, "payments/as_of")["as_of"][0]
        assert query.run(con, "payments/as_of_mart")["as_of"][0] == as_of
        seen = 0
        for days in (7, 30, 800):
            p = _params(settings, as_of, days)
            calls = [
                (n, {**p, "rail": r}) for n in RAIL_READS for r in ("gateway", "counter", "cod")
            ]
            calls += [(n, p) for n in READS]
            for name, params in calls:
                direct = query.run(con, name, **params)
                mart = query.run(con, f"{name}_mart", **params)
                assert mart.schema == direct.schema, name
                assert mart.equals(direct), f"{name} {params.get('rail', '')} {days} days"
                seen += direct.height
        return seen
    finally:
        con.close()


def test_the_demo_builds_the_marts_and_they_give_the_direct_figures(
    demo_settings: Settings,
) -> None:
    assert assert_marts_match(demo_settings) > 100


def assert_marts_are_a_full_rebuild(settings: Settings) -> None:
    """The marts as the loads left them equal a rebuild from the facts (then left rebuilt)."""
    con = connect_reader(settings)
    try:
        kept = {
            t: con.execute(f"select * from {t} order by all").pl()  # noqa: S608
            for t in payment_marts.MARTS
        }
    finally:
        con.close()
    with connect_writer(settings) as con:
        con.execute("begin")
        payment_marts.refresh(con, None)
        con.execute("commit")
        for table, before in kept.items():
            after = con.execute(f"select * from {table} order by all").pl()  # noqa: S608
            assert after.equals(before), table


STATE = "select refreshed_at, refreshed_since_on from mart_pay_state"


def _tracking_file(path, events) -> None:
    import json

    with path.open("w", encoding="utf-8") as fh:
        for tracking_no, status, at, location in events:
            rec = {
                "barcode": tracking_no,
                "status": status,
                "status_date": at.strftime("%Y-%m-%dT%H:%M:%S+07:00"),
                "location": location,
            }
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def test_a_tracking_load_refreshes_the_marts_only_for_shipments_it_changed(
    demo_settings: Settings, tmp_path, monkeypatch
) -> None:
    from etl.load.loader import load_files
    from tests.lake_catalogs import copy_lake_files
    from warehouse.lake import OVERRIDE_DATA_PATH_ENV
    from warehouse.settings import load_settings

    data = tmp_path / "lake_copy"
    copy_lake_files(demo_settings, data)
    monkeypatch.setenv(OVERRIDE_DATA_PATH_ENV, "1")
    lake = load_settings({"POSTMART_DATA_DIR": str(data)})
    con = connect_reader(lake)
    try:
        old = con.execute(
            "select tracking_no, status_code, event_at, location from fct_tracking_event "
            "order by event_at, tracking_no, status_code limit 20"
        ).fetchall()
        cod = con.execute(
            "select tracking_no, last_event_at from fct_shipment "
            "where is_cod and delivered_at is null and accepted_at is not null "
            "order by last_event_at limit 1"
        ).fetchone()
        stamp = con.execute(STATE).fetchone()
    finally:
        con.close()
    # Events from the lake's first days sent again change no shipment: no mart is touched.
    _tracking_file(tmp_path / "repeats.jsonl", old)
    [done] = load_files([tmp_path / "repeats.jsonl"], settings=lake)
    assert done.status == "loaded", done.message
    con = connect_reader(lake)
    try:
        assert con.execute(STATE).fetchone() == stamp
    finally:
        con.close()
    # The same again with a COD parcel delivered: the marts move, as a rebuild has them.
    delivered = (cod[0], "501", cod[1] + dt.timedelta(hours=5), "นำจ่ายสำเร็จ")
    _tracking_file(tmp_path / "delivery.jsonl", [*old, delivered])
    [done] = load_files([tmp_path / "delivery.jsonl"], settings=lake)
    assert done.status == "loaded", done.message
    con = connect_reader(lake)
    try:
        assert con.execute(STATE).fetchone() != stamp
        held = con.execute(
            "select count(*) from mart_pay_cod_held where delivered_on = ?",
            [(cod[1] + dt.timedelta(hours=5)).date()],
        ).fetchone()[0]
        assert held >= 1
    finally:
        con.close()
    assert_marts_are_a_full_rebuild(lake)
