"""The reconciliation engine on the tiny demo: every planted problem is found with its class,
rail and amount, nothing else is raised, and a rerun changes nothing."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

from dashboard.identity.user import CLI_ACTOR
from dashboard.payments import recon
from etl.demo import payments as demo_payments
from tests.payments.test_marts import assert_marts_are_a_full_rebuild, assert_marts_match
from warehouse import ops
from warehouse.lake import connect_reader
from warehouse.settings import Settings


def _found(settings: Settings) -> set[tuple[str, str, str, Decimal]]:
    con = connect_reader(settings)
    try:
        _, breaks = recon.find_breaks(con, settings)
    finally:
        con.close()
    return {
        (r["break_class"], r["rail"], r["ref"], r["amount_thb"])
        for r in breaks.iter_rows(named=True)
    }


def test_precision_and_recall_are_complete_on_the_demo_manifest(demo_settings: Settings) -> None:
    manifest = demo_payments.read_manifest(demo_settings.inbox_dir / "demo")
    planted = {(e["class"], e["rail"], e["ref"], Decimal(e["amount_thb"])) for e in manifest}
    found = _found(demo_settings)
    assert found - planted == set(), "raised but not planted"
    assert planted - found == set(), "planted but not found"
    # Every class of the issue is planted at least once.
    assert {c for c, *_ in planted} >= {
        "missing_settlement",
        "late_settlement",
        "amount_mismatch",
        "duplicate_payment",
        "orphan_settlement",
        "orphan_credit",
        "fee_variance",
        "unfunded_batch",
        "cod_not_remitted",
        "refund_without_charge",
    }


def test_a_second_run_changes_nothing(demo_settings: Settings, sqlite_ops: Settings) -> None:
    settings = dataclasses.replace(demo_settings, ops_db_url=sqlite_ops.ops_db_url)
    first = recon.run(CLI_ACTOR, settings=settings)
    assert first.count_opened == first.count_breaks > 0
    second = recon.run(CLI_ACTOR, settings=settings)
    assert (second.count_opened, second.count_updated, second.count_closed) == (0, 0, 0)
    assert second.count_breaks == first.count_breaks


def test_the_statement_residual_is_exactly_the_planted_funding_breaks(
    demo_settings: Settings,
) -> None:
    from dashboard.payments import statement

    manifest = demo_payments.read_manifest(demo_settings.inbox_dir / "demo")
    con = connect_reader(demo_settings)
    try:
        for rail in ("gateway", "counter", "cod"):
            st = statement.daily_statement(CLI_ACTOR, con, rail, days=800, settings=demo_settings)
            assert st.total("by_payment_day", "residual_thb") == 0, rail
            funding = sum(
                Decimal(e["amount_thb"])
                for e in manifest
                if e["rail"] == rail
                and (
                    e["class"] == "unfunded_batch"
                    # a credit short of its batch (a reference, not a transaction or parcel)
                    or (e["class"] == "amount_mismatch" and "-" in e["ref"])
                )
            )
            assert (
                Decimal(str(st.total("by_value_day", "residual_thb"))).quantize(Decimal("0.01"))
                == funding
            ), rail
    finally:
        con.close()


def _cases(url: str) -> list[tuple]:
    import sqlalchemy as sa

    eng = sa.create_engine(url)
    try:
        with eng.connect() as c:
            cases = c.execute(
                sa.text(
                    "select break_key, status, amount_thb, due_on, detail, occurred_on, "
                    "closed_reason, seller_id, province_code, branch_code from pay_case "
                    "order by break_key"
                )
            ).all()
            kept = c.execute(
                sa.text("select break_key, occurred_on from pay_recon_break order by break_key")
            ).all()
        return [tuple(r) for r in cases] + [("kept",) + tuple(r) for r in kept]
    finally:
        eng.dispose()


def test_an_incremental_run_after_new_files_equals_a_full_run(
    demo_settings: Settings, sqlite_ops: Settings, tmp_path, monkeypatch
) -> None:
    import shutil

    from etl.load.loader import load_files
    from tests.lake_catalogs import copy_lake_files
    from tests.ops_db import copy_sqlite
    from tests.payments.helpers import next_settlement_file
    from warehouse.lake import OVERRIDE_DATA_PATH_ENV
    from warehouse.settings import load_settings

    data = tmp_path / "lake_copy"
    copy_lake_files(demo_settings, data)
    shutil.copytree(demo_settings.inbox_dir, data / "inbox")
    monkeypatch.setenv(OVERRIDE_DATA_PATH_ENV, "1")
    lake = dataclasses.replace(
        load_settings({"POSTMART_DATA_DIR": str(data)}), ops_db_url=sqlite_ops.ops_db_url
    )
    first = recon.run(CLI_ACTOR, settings=lake)
    assert first.since_on is None and first.count_opened == first.count_breaks > 0
    # The held-back day's files of every rail, and a day's settlement file that settles
    # every charge in transit (late settlements close their cases).
    extra = next_settlement_file(lake, tmp_path, days=None)
    assert extra is not None
    # (the files reconciliation and the marts read; applications, listings, order items,
    # the branch master and the tracking-API copies of the same events are left out: time)
    skip = ("applications", "listings", "order_items", "branch_master", "track_")
    files = [
        f
        for f in sorted((lake.inbox_dir / "demo").glob("*"))
        if not f.name.startswith((*skip, "."))  # not the demo's manifests
    ]
    loaded = load_files([*files, extra], settings=lake)
    # Every file loads. Which rails have a file depends on the held-back day (a bank sends
    # no counter file for a day without counter payments, e.g. a holiday on the tiny demo).
    assert [r.status for r in loaded] == ["loaded"] * len(loaded), [
        (r.file, r.message) for r in loaded if r.status != "loaded"
    ]
    assert {"payments", "settlements"} <= {r.feed for r in loaded}
    # The loads refreshed the pages' marts day by day: the figures are the direct ones, and
    # the marts are what a full rebuild makes.
    assert assert_marts_match(lake) > 100
    assert_marts_are_a_full_rebuild(lake)
    ops.dispose_all()  # the SQLite file whole (no WAL left) before it is copied
    twin = dataclasses.replace(
        lake,
        ops_db_url=copy_sqlite(
            Path(sqlite_ops.ops_db_url.removeprefix("sqlite:///")), tmp_path / "twin.sqlite"
        ),
    )
    incremental = recon.run(CLI_ACTOR, settings=lake)
    full = recon.run(CLI_ACTOR, settings=twin, full=True)
    assert incremental.since_on is not None  # only the changed days were re-examined
    assert full.since_on is None
    assert incremental.changed
    for field in (
        "count_breaks",
        "count_opened",
        "count_updated",
        "count_closed",
        "count_reopened",
    ):
        assert getattr(incremental, field) == getattr(full, field), field
    assert _cases(lake.ops_db_url) == _cases(twin.ops_db_url)
    # and a rerun of either changes nothing
    again = recon.run(CLI_ACTOR, settings=lake)
    assert not again.changed and again.count_breaks == full.count_breaks
