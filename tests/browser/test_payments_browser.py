"""Payments end to end in Chromium: the payments officer opens the daily statement, goes to
the exception queue, opens the oldest case and resolves it; the statement page still adds
up. Screenshots go to test-artifacts/screenshots/."""

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
    screenshot(page, "60-reconciliation")

    page.get_by_text(th("payments.open_queue"), exact=True).click()
    page.get_by_role("heading", name=th("nav.exception_queue")).wait_for(state="visible")
    wait_idle(page)
    screenshot(page, "61-exception-queue")
    case_id = int(table_cell(page, 0, column=1).replace(",", ""))
    select_table_row(page, 0)
    page.get_by_role("button", name=th("payments.resolve"), exact=True).wait_for(state="visible")
    wait_idle(page)
    choose(page, th("payments.resolution"), th("payments.resolution.refunded"))
    page.get_by_label(th("payments.note")).last.fill("คืนเงินผู้ซื้อแล้ว 2 ธ.ค.")
    page.get_by_role("button", name=th("payments.resolve"), exact=True).click()
    see(page, th("payments.resolved", case_id=case_id))
    wait_idle(page)
    screenshot(page, "62-case-resolved")


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
