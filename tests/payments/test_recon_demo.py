"""The reconciliation engine on the tiny demo: every planted problem is found with its class,
rail and amount, nothing else is raised, and a rerun changes nothing."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from dashboard.identity.user import CLI_ACTOR
from dashboard.payments import recon
from etl.demo import payments as demo_payments
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
