"""Payments end to end in Chromium: the payments officer opens the daily statement, goes to
the exception queue, resolves the first case and sees the money at risk fall by its amount;
holds and releases a seller's payout; runs the payouts, downloads the bank file (its
trailer matching its lines and the run) and is refused a second run of the window.
Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import pytest

from dashboard import i18n
from dashboard.identity.user import CLI_ACTOR
from tests.browser.helpers import (
    BrowserEnv,
    Server,
    screenshot,
    seeding,
    select_table_row,
    table_cell,
)
from tests.browser.test_browser import sign_in, wait_idle
from tests.browser.test_onboarding_browser import choose, open_page, see

pytestmark = pytest.mark.browser


def th(key: str, **params: object) -> str:
    return i18n.translate(key, "th", **params)


@pytest.fixture(scope="module")
def reconciled(browser_env: BrowserEnv, server: Server) -> Server:
    """The session's server with the demo reconciled (the cases `postmart demo` leaves)."""
    from dashboard.payments import recon

    with seeding(browser_env):
        recon.run(CLI_ACTOR)
    return server


def test_officer_follows_a_break_to_its_case_and_resolves_it(reconciled, browser_env, page) -> None:
    sign_in(page, reconciled, "demo.payments", browser_env.passwords["demo.payments"])
    open_page(page, "reconciliation")
    see(page, th("payments.by_payment_day"))
    see(page, th("payments.money_at_risk"))
    at_risk = money_at_risk(page)
    screenshot(page, "60-reconciliation")

    page.get_by_text(th("payments.open_queue"), exact=True).click()
    page.get_by_role("heading", name=th("nav.exception_queue")).wait_for(state="visible")
    wait_idle(page)
    screenshot(page, "61-exception-queue")
    case_id = int(table_cell(page, 0, column=1).replace(",", ""))
    amount = baht(table_cell(page, 0, column=5))
    select_table_row(page, 0)
    page.get_by_role("button", name=th("payments.resolve"), exact=True).wait_for(state="visible")
    wait_idle(page)
    choose(page, th("payments.resolution"), th("payments.resolution.refunded"))
    page.get_by_label(th("payments.note")).last.fill("คืนเงินผู้ซื้อแล้ว 2 ธ.ค.")
    page.get_by_role("button", name=th("payments.resolve"), exact=True).click()
    see(page, th("payments.resolved", case_id=case_id))
    wait_idle(page)
    screenshot(page, "62-case-resolved")
    # back on the reconciliation page, the money at risk is less by the case's amount
    open_page(page, "reconciliation")
    see(page, th("payments.money_at_risk"))
    assert money_at_risk(page) == pytest.approx(at_risk - amount, abs=0.005)
    screenshot(page, "62b-reconciliation-after")


def baht(text: str) -> float:
    return float(text.replace("฿", "").replace(",", "").strip())


def money_at_risk(page) -> float:
    """The money-at-risk tile of the reconciliation page, in baht."""
    tile = page.locator('[data-testid="stMetric"]').filter(has_text=th("payments.money_at_risk"))
    return baht(tile.locator('[data-testid="stMetricValue"]').inner_text())


def test_officer_holds_and_releases_a_sellers_payout(reconciled, browser_env, page) -> None:
    from dashboard.payments import payouts
    from warehouse.lake import connect_reader

    with seeding(browser_env):
        con = connect_reader()
        try:
            seller = con.execute(
                "select seller_id from dim_seller where status = 'active' order by seller_id "
                "limit 1"
            ).fetchone()[0]
        finally:
            con.close()
    sign_in(page, reconciled, "demo.payments", browser_env.passwords["demo.payments"])
    open_page(page, "payouts")
    see(page, th("payments.holds_title"))
    page.get_by_role("textbox", name=th("payments.col.seller_id")).first.fill(seller)
    choose(page, th("payments.col.hold_reason"), th("payments.hold.investigation"))
    page.get_by_role("textbox", name=th("payments.note")).first.fill("ผู้ซื้อร้องเรียน รอตรวจสอบเอกสาร")
    page.get_by_role("button", name=th("payments.place_hold"), exact=True).click()
    page.get_by_text(th("payments.hold_placed", seller=seller)).first.wait_for(
        state="visible", timeout=120_000
    )
    wait_idle(page)
    screenshot(page, "63-payout-held")
    with seeding(browser_env):
        held = payouts.holds(CLI_ACTOR)
    hold_id = held.filter(held["seller_id"] == seller)["hold_id"][0]

    # The release form offers the newest hold first; the officer checks it is this one.
    choose(page, th("payments.col.hold_id"), str(hold_id))
    page.get_by_role("textbox", name=th("payments.release_reason")).fill("ตรวจสอบแล้ว เอกสารครบ")
    page.get_by_role("button", name=th("payments.release_hold"), exact=True).click()
    # A rerun of the payouts page recomputes the schedule: slow on a busy machine.
    page.get_by_text(th("payments.hold_released", hold_id=hold_id)).first.wait_for(
        state="visible", timeout=120_000
    )
    wait_idle(page)
    screenshot(page, "64-payout-released")
    with seeding(browser_env):
        assert hold_id not in payouts.holds(CLI_ACTOR)["hold_id"].to_list()


def test_officer_runs_the_payouts_and_downloads_the_bank_file(
    reconciled, browser_env, page
) -> None:
    """On the run day (the servers' POSTMART_PAYOUT_WEEKDAY is today's): the run, its bank
    file downloaded with totals that match the run, and a second run of the same window
    refused."""
    import csv
    import io
    import re
    from pathlib import Path

    from sqlalchemy import select

    from warehouse import ops
    from warehouse.ops_schema_payments import pay_payout_run

    sign_in(page, reconciled, "demo.payments", browser_env.passwords["demo.payments"])
    open_page(page, "payouts")
    run_button = page.get_by_role("button", name=th("payments.run_payouts"), exact=True)
    run_button.click()
    made = page.get_by_text(re.compile(r"สร้างรอบจ่าย \d+ แล้ว"))
    made.first.wait_for(state="visible", timeout=120_000)
    wait_idle(page)
    screenshot(page, "65-payouts-run")
    with page.expect_download() as caught:
        page.get_by_role("button", name=th("payments.download_bank_file")).click()
    text = Path(caught.value.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    details = [r for r in rows if r[0] == "D"]
    header, trailer = rows[0], rows[-1]
    with seeding(browser_env):
        with ops.read(ops.engine()) as conn:
            run = conn.execute(
                select(pay_payout_run).order_by(pay_payout_run.c.run_id.desc())
            ).first()
    assert header[0] == "H" and header[2] == f"POSTMART-RUN-{run.run_id:06d}"
    assert trailer[0] == "T" and int(trailer[1]) == len(details) == run.count_payouts > 0
    total = sum(round(float(r[4]) * 100) for r in details)
    assert round(float(trailer[2]) * 100) == total == round(float(run.total_thb) * 100)
    # the same window again: refused, and no second file
    run_button.click()
    see(page, th("payments.payout.already_run", run_id=run.run_id, by="demo.payments")[:40])
    screenshot(page, "66-payouts-run-refused")
