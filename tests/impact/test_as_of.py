"""Figures as of a past snapshot equal those computed on a copy of the lake made then."""

from __future__ import annotations

from dashboard.identity import authz
from dashboard.impact import figures, snapshots
from etl.load import load_files
from tests.impact.helpers import lake_copy
from tests.impact.test_seller_master import ORDER_HEADER
from warehouse.lake import connect_reader


def _view(settings, snapshot=None, *, use_mart=True, **kw) -> figures.ImpactView:
    con = connect_reader(settings, snapshot_version=snapshot)
    try:
        return figures.impact_view(
            authz.CLI_ACTOR,
            "this_fiscal_year",
            con=con,
            settings=settings,
            use_mart=use_mart,
            **kw,
        )
    finally:
        con.close()


def _same(a: figures.ImpactView, b: figures.ImpactView) -> None:
    assert a.areas.equals(b.areas)
    assert a.provinces.equals(b.provinces)
    assert a.totals == b.totals
    fields = ("period", "previous", "year_before", "level", "reference_day", "income_source")
    assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields]


def test_as_of_a_snapshot_equals_a_copy_of_the_lake_made_then(demo_settings, tmp_path, monkeypatch):
    live = lake_copy(demo_settings, tmp_path / "live", monkeypatch)
    con = connect_reader(live)
    try:
        pinned = snapshots.current_snapshot(con)
    finally:
        con.close()
    then = lake_copy(live, tmp_path / "then", monkeypatch)  # the lake as it was at `pinned`
    before = _view(live)

    # A late load: delivered orders of known sellers on the last day with orders.
    con = connect_reader(live)
    try:
        sellers = [r[0] for r in con.execute("select seller_id from dim_seller limit 3").fetchall()]
    finally:
        con.close()
    day = before.reference_day.isoformat()
    lines = [
        f"ORD-LATE-{i},{sid},,,,{day} 10:00:00,delivered,card,EMS,1,1000.00,0,0,1000.00,THB,"
        for i, sid in enumerate(sellers)
    ]
    files = [tmp_path / "orders_late.csv"]
    files[0].write_text("\n".join([ORDER_HEADER, *lines]) + "\n", encoding="utf-8")
    results = load_files(files, settings=live)
    assert results[0].count_loaded == 3, results[0]
    after = _view(live)
    assert after.totals != before.totals  # the late orders moved the figures
    assert after.snapshot_id > pinned

    # The pages read the seller × month mart, refreshed by the load: the same figures as
    # computed off the facts, for the country and a province, now and as of the pin.
    _same(after, _view(live, use_mart=False))
    _same(_view(live, province="82"), _view(live, province="82", use_mart=False))

    as_of = _view(live, snapshot=pinned)
    assert as_of.snapshot_id == pinned
    _same(as_of, _view(then))
    _same(as_of, _view(live, snapshot=pinned, use_mart=False))
    _same(as_of, before)
    labelled = {s.snapshot_id: s for s in snapshots.snapshots(connect_reader(live))}
    assert labelled[after.snapshot_id].file_name == files[-1].name
