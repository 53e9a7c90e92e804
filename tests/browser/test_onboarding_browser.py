"""Onboarding end to end in Chromium: a Chiang Mai officer filters the queue, opens an
application and sees its checks and duplicate flag, resolves the flag, approves a clean
application, rejects one with a reason, imports a Windows-874 spreadsheet with bad rows
(each bad row's problem shown, the good row saved on confirmation), and moderates a
listing; a Phang Nga officer cannot open Chiang Mai's application. Screenshots go to
test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest

from dashboard import i18n
from dashboard.identity import auth
from tests.app.helpers import Seeded, seed_onboarding
from tests.browser.helpers import (
    BrowserEnv,
    Server,
    screenshot,
    seeding,
    select_table_row,
    table_cell,
)
from tests.browser.test_browser import NAV_LINKS, sign_in, wait_idle
from tests.onboarding.helpers import make_pin

pytestmark = pytest.mark.browser


def th(key: str, **params: object) -> str:
    return i18n.translate(key, "th", **params)


@pytest.fixture(scope="module")
def onboarding(browser_env: BrowserEnv, server: Server) -> tuple[Server, Seeded, dict[str, str]]:
    """The session's server, its ops DB given the demo's applications and listings plus the
    demo officers' own (see ``seed_onboarding``); demo.officer is Chiang Mai,
    demo.phangnga Phang Nga."""
    passwords = browser_env.passwords
    with seeding(browser_env):
        seeded = seed_onboarding(
            auth.sign_in("demo.officer", passwords["demo.officer"], session_id="seed"),
            auth.sign_in("demo.phangnga", passwords["demo.phangnga"], session_id="seed"),
        )
    return server, seeded, passwords


def selectbox(page, label: str):
    """The selectbox labelled exactly ``label``."""
    return page.locator(
        '[data-testid="stSelectbox"]',
        has=page.locator("label", has_text=re.compile(f"^{re.escape(label)}$")),
    )


def choose_nth(page, label: str, n: int) -> None:
    """Pick the ``n``-th option (0 is the "choose…" entry) of the selectbox ``label``."""
    selectbox(page, label).locator("input").click()
    page.get_by_role("option").nth(n).click()


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label``."""
    # Type to search, then pick: a plain click on a selectbox still focused from the last
    # pick, or one far down the page, does not reliably open its list.
    selectbox(page, label).locator("input").click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()


def open_page(page, key: str) -> None:
    page.locator(NAV_LINKS, has_text=th(f"nav.{key}")).click()
    page.get_by_role("heading", name=th(f"nav.{key}")).wait_for(state="visible")
    wait_idle(page)


def see(page, text: str) -> None:
    page.get_by_text(text, exact=False).first.wait_for(state="visible")


def open_application(page, app_id: str, name: str) -> None:
    """Open an application as an officer who has its number does: type it."""
    box = page.get_by_label(th("applications.open_by_id"))
    box.fill(app_id)
    box.press("Enter")
    page.get_by_role(
        "heading", name=th("applications.detail_title", id=app_id, name=name)
    ).wait_for(state="visible")
    wait_idle(page)


def decide(page, action: str) -> None:
    choose(page, th("applications.action"), th(f"onboarding.action.{action}"))
    wait_idle(page)


def sheet_bytes() -> bytes:
    """A provincial sheet as a Thai office saves it: Windows-874, Buddhist-era dates, Thai
    digits, an ID with dashes; one good row and two bad ones."""
    good_id = make_pin("310000000901")
    good_id = f"{good_id[0]}-{good_id[1:5]}-{good_id[5:10]}-{good_id[10:12]}-{good_id[12]}"
    rows = [
        "seller_type,name_th,national_id,ce_registration_code,count_members,phone,"
        "bank_code,bank_account_no,subdistrict_code,postal_code,submitted_at",
        f"community_enterprise,กลุ่มทอผ้าบ้านดอน,{good_id},4-50-01-01/1-0901,๑๕,"
        "๐๘๑๒๓๔๕๖๗๘,034,000000000901,500101,50200,15/03/2568",
        "community_enterprise,กลุ่มจักสานบ้านป่า,3100000009011,4-50-01-01/1-0902,15,"
        "0812345679,034,000000000902,500101,50200,16/03/2568",
        f"community_enterprise,กลุ่มแม่บ้านพังงา,{make_pin('310000000903')},"
        "4-82-01-01/1-0903,15,0812345680,034,000000000903,820101,82000,17/03/2568",
    ]
    return ("\r\n".join(rows) + "\r\n").encode("cp874")


def test_officer_reviews_imports_and_moderates(onboarding, page) -> None:
    server, seeded, passwords = onboarding
    sign_in(page, server, "demo.officer", passwords["demo.officer"])
    open_page(page, "applications")
    screenshot(page, "20-queue")

    # Filter: only applications with an open duplicate flag; the link keeps the filter.
    choose(page, th("applications.flag_filter"), th("applications.flagged"))
    see(page, th("applications.count", count=1, overdue=0, target=7))
    wait_idle(page)
    assert "flag=flagged" in page.url
    flagged_name = "วิสาหกิจชุมชนบ้านทดสอบ 102"
    open_application(page, seeded.flagged, flagged_name)
    body = page.inner_text("body")
    assert th("onboarding.check.national_id.ok") in body
    assert th("onboarding.check.address.ok") in body
    assert seeded.twin in body  # the flag names the other province's application
    assert th("onboarding.workflow.blocked.open_flags") in body
    screenshot(page, "21-application-checks-and-flag")

    # Resolve the flag: the two groups are distinct.
    page.get_by_text(th("onboarding.resolution.distinct"), exact=True).click()
    page.get_by_label(th("applications.note")).first.fill("คนละกลุ่ม ยืนยันกับอำเภอแล้ว")
    page.get_by_role("button", name=th("applications.resolve"), exact=True).click()
    see(page, th("applications.resolved"))
    wait_idle(page)
    assert th("applications.flag_status.distinct") in page.inner_text("body")
    screenshot(page, "22-flag-resolved")

    # Approve the clean one (documents accepted, no flag).
    choose(page, th("applications.flag_filter"), th("applications.unflagged"))
    wait_idle(page)
    open_application(page, seeded.clean, "วิสาหกิจชุมชนบ้านทดสอบ 101")
    decide(page, "approve")
    page.get_by_role("button", name=th("applications.submit_decision"), exact=True).click()
    see(page, th("applications.decided", action=th("onboarding.action.approve")))
    wait_idle(page)
    screenshot(page, "23-approved")

    # Reject one, with a reason and a note.
    open_application(page, seeded.plain, "วิสาหกิจชุมชนบ้านทดสอบ 103")
    decide(page, "reject")
    choose_nth(page, th("applications.reason"), 1)
    wait_idle(page)
    page.get_by_label(th("applications.note")).last.fill("ไม่มีผลิตภัณฑ์ของกลุ่ม")
    page.get_by_role("button", name=th("applications.submit_decision"), exact=True).click()
    see(page, th("applications.decided", action=th("onboarding.action.reject")))
    wait_idle(page)
    screenshot(page, "24-rejected")

    # Spreadsheet import: every bad row with its problem, nothing saved before confirming.
    open_page(page, "application_import")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": "cm-sheet.csv", "mimeType": "text/csv", "buffer": sheet_bytes()}]
    )
    page.get_by_role("button", name=th("import.preview"), exact=True).click()
    see(page, th("import.summary", good=1, bad=2))
    wait_idle(page)
    body = page.inner_text("body")
    # Each problem is a list item: the page shows it without the markdown dash.
    # Each problem names the file's own column (letter and header) and its line.
    assert (
        th(
            "sheets.problem_line",
            line=3,
            letter="C",
            column="national_id",
            problem=th("onboarding.check.national_id.checksum"),
        ).removeprefix("- ")
        in body
    )
    assert (
        th(
            "sheets.problem_line",
            line=4,
            letter="I",
            column="subdistrict_code",
            problem=th("sheets.check.province_not_in_scope", province="พังงา"),
        ).removeprefix("- ")
        in body
    )
    screenshot(page, "25-import-preview")
    page.get_by_role("button", name=th("import.confirm", count=1), exact=True).click()
    see(page, th("import.done", count=1))
    wait_idle(page)
    screenshot(page, "26-import-saved")

    # Listing moderation: select the first row of the queue, see its checks, decide.
    open_page(page, "listings")
    first = table_cell(page, row=0)
    select_table_row(page, row=0)
    page.get_by_role("heading", name=th("listings.checks")).wait_for(state="visible")
    assert f"listing={first}%2F" in page.url or f"listing={first}/" in page.url
    wait_idle(page)
    screenshot(page, "27-listing-checks")
    page.get_by_role("button", name=th("applications.submit_decision"), exact=True).click()
    # The decision's own flash (the checks may show a success note of their own already).
    approved = th("onboarding.listing.decision.approve")
    flash = page.locator('[data-testid="stAlertContentSuccess"]').filter(has_text=first)
    flash.filter(has_text=approved).first.wait_for(state="visible")
    wait_idle(page)
    screenshot(page, "28-listing-approved")


def test_officer_of_another_province_cannot_open_them(onboarding, page) -> None:
    server, seeded, passwords = onboarding
    # A link to Chiang Mai's application, opened by Phang Nga's officer: sign in at the
    # link, and the page restores the link's view within the officer's scope (none).
    page.goto(f"{server.url}/applications?app={seeded.flagged}")
    page.get_by_label(th("auth.username")).fill("demo.phangnga")
    page.get_by_label(th("auth.password")).fill(passwords["demo.phangnga"])
    page.get_by_role("button", name=th("auth.sign_in"), exact=True).click()
    error = page.locator('[data-testid="stAlertContentError"]')
    error.wait_for(state="visible")
    wait_idle(page)
    # The answer for a missing application: nothing says it exists in Chiang Mai.
    assert th("onboarding.application.not_found", application_id=seeded.flagged) in (
        error.inner_text()
    )
    assert seeded.flagged not in "".join(page.get_by_role("heading").all_inner_texts())
    # Their own queue holds Phang Nga's: the twin's flag points at Chiang Mai's record.
    choose(page, th("applications.flag_filter"), th("applications.flagged"))
    see(page, th("applications.count", count=1, overdue=0, target=7))
    screenshot(page, "29-other-province-refused")


def test_sheet_is_what_an_office_saves() -> None:
    """The fixture sheet really is Windows-874 (not UTF-8) with Thai digits."""
    data = sheet_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "๑๕" in data.decode("cp874")
