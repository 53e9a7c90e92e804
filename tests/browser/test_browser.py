"""End to end in Debian's Chromium: deep links while anonymous, sign-in per role with its
navigation and live figures, the generic failure message and the throttle, the language switch,
and sign-out. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from dashboard import i18n, registry
from dashboard.ui.server import SESSION_COOKIE
from tests.browser.helpers import LOCKED_USER, Server, screenshot

pytestmark = pytest.mark.browser

PAGE_URLS = ["", *registry.PAGE_KEYS, "sign_in"]
DEEP_LINK_TABS = 5
# What each page shows once past its guard; none of it may reach an anonymous visitor.
DATA_SELECTORS = [
    '[data-testid="stMetric"]',
    '[data-testid="stDataFrame"]',
    '[data-testid="stPlotlyChart"]',
    '[data-testid="stDownloadButton"]',
    '[data-testid="stFileUploader"]',
    '[data-testid="stCode"]',
]
NAV_LINKS = '[data-testid="stSidebarNav"] [data-testid="stSidebarNavLink"]'
ONBOARDING = ["applications", "application_import", "listings", "office"]
PAYMENTS = [
    "payment_health",
    "settlement",
    "reconciliation",
    "exception_queue",
    "payouts",
    "cod_custody",
]  # payments (issue 9)
LOGISTICS = ["deliveries", "branch_performance", "delivery_map", "cold_chain"]
ROLE_PAGES = {
    "ministry": ["home", "office", "delivery_summary", "impact", "my_account"],
    "provincial_officer": ["home", *ONBOARDING, "my_account"],
    "branch_manager": ["home", "cod_custody", *LOGISTICS, "my_account"],
    "payments_officer": ["home", *PAYMENTS, "my_account"],
    "admin": [
        "home",
        *ONBOARDING,
        *PAYMENTS,
        *LOGISTICS,
        "delivery_summary",
        "impact",
        "my_account",
        "users",
        "data_loads",
        "audit_log",
    ],
}


def th(key: str, **params: object) -> str:
    return i18n.translate(key, "th", **params)


def wait_idle(page) -> None:
    """Until the script run has finished. The app root carries Streamlit's own run state
    (``data-test-script-state``, what Streamlit's e2e tests wait on); the status widget is
    not shown in this app's minimal toolbar. Callers first wait for an element the new run
    draws, so a state left over from the previous run cannot pass for this one."""
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', state="attached"
    )


def expect_sign_in_screen(page) -> None:
    page.get_by_label(th("auth.username")).wait_for(state="visible")
    wait_idle(page)
    for selector in DATA_SELECTORS:
        assert page.locator(selector).count() == 0, selector
    assert page.locator(NAV_LINKS).count() == 0


def session_cookie(page) -> dict | None:
    return next((c for c in page.context.cookies() if c["name"] == SESSION_COOKIE), None)


def sign_in(page, server: Server, username: str, password: str, path: str = "") -> None:
    """Sign in on ``path`` (the home page by default) and wait for the trip through the
    cookie route to bring the browser back, signed in."""
    page.goto(f"{server.url}/{path}")
    fill_sign_in(page, username, password)
    deadline = time.monotonic() + 30
    while session_cookie(page) is None:
        assert time.monotonic() < deadline, "the session cookie never came"
        page.wait_for_timeout(100)
    page.wait_for_load_state()
    page.locator(NAV_LINKS).first.wait_for(state="visible")
    wait_idle(page)


def fill_sign_in(page, username: str, password: str) -> None:
    page.get_by_label(th("auth.username")).fill(username)
    page.get_by_label(th("auth.password")).fill(password)
    page.get_by_role("button", name=th("auth.sign_in"), exact=True).click()


def failed_sign_ins(server: Server, username: str) -> int:
    """Failed sign-ins of ``username`` in the server's audit log."""
    from sqlalchemy import func, select

    from warehouse import ops
    from warehouse.ops_schema import audit_log
    from warehouse.settings import load_settings

    with ops.read(ops.engine(load_settings(server.env))) as conn:
        return conn.execute(
            select(func.count())
            .select_from(audit_log)
            .where(audit_log.c.action == "auth.sign_in_failed", audit_log.c.username == username)
        ).scalar_one()


def nav_titles(page) -> list[str]:
    # Each link's text is its material icon's ligature name, then the title.
    return [text.strip().splitlines()[-1] for text in page.locator(NAV_LINKS).all_inner_texts()]


# (1) first: each deep link is the very first request of a fresh server, which is then
# still in Streamlit's legacy page-folder mode and runs a page file on its own.
@pytest.mark.parametrize(
    "path", ["data_loads", "users", "audit_log", "my_account", "home", "applications"]
)
def test_first_request_deep_link_shows_sign_in_and_no_data(fresh_server: Server, page, path):
    page.goto(f"{fresh_server.url}/{path}")
    expect_sign_in_screen(page)
    screenshot(page, f"01-first-request-{path}")


def test_anonymous_deep_links_show_sign_in_and_no_data(server: Server, page) -> None:
    # A few tabs of one anonymous visitor at a time: each deep link is a whole page load,
    # and one tab after another spent most of its time waiting on the network.
    tabs = [page, *(page.context.new_page() for _ in range(DEEP_LINK_TABS - 1))]
    for i in range(0, len(PAGE_URLS), len(tabs)):
        batch = list(zip(tabs, PAGE_URLS[i : i + len(tabs)], strict=False))
        for tab, path in batch:
            tab.goto(f"{server.url}/{path}", wait_until="commit")
        for tab, path in batch:
            expect_sign_in_screen(tab)
            if path in ("", PAGE_URLS[1]):  # the rest look the same; a full-page shot costs time
                screenshot(tab, f"02-anonymous-{path or 'root'}")


@pytest.mark.parametrize(
    ("role", "scope_text"),
    [
        ("ministry", th("scope.national")),
        ("provincial_officer", "จังหวัด"),
        ("branch_manager", th("scope.postal_region", number=6)),
        ("payments_officer", th("scope.national")),
        ("admin", th("scope.national")),
    ],
)
def test_each_role_sees_its_navigation_and_home_figures(
    server: Server, page, role: str, scope_text: str
) -> None:
    username, password = server.accounts[role]
    sign_in(page, server, username, password)
    page.locator('[data-testid="stMetric"]').first.wait_for(state="visible")
    page.locator('[data-testid="stPlotlyChart"]').wait_for(state="visible")
    wait_idle(page)
    assert nav_titles(page) == [th(f"nav.{p}") for p in ROLE_PAGES[role]]
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert len(values) >= 4
    assert all(re.search(r"\d", v) for v in values), values
    assert scope_text in page.locator('[data-testid="stCaptionContainer"]').first.inner_text()
    screenshot(page, f"03-home-{role}")


def test_admin_pages_open_from_the_navigation(server: Server, page) -> None:
    username, password = server.accounts["admin"]
    sign_in(page, server, username, password)
    for key in ["users", "data_loads", "audit_log"]:
        page.locator(NAV_LINKS, has_text=th(f"nav.{key}")).click()
        page.get_by_role("heading", name=th(f"nav.{key}")).wait_for(state="visible")
        wait_idle(page)
        assert page.locator('[data-testid="stAlertContentError"]').count() == 0
        screenshot(page, f"04-admin-{key}")


def test_guessing_blocks_the_guesser_not_the_owner(server: Server, page, browser) -> None:
    """Five wrong passwords: this browser is refused with the one generic message, even
    with the right password; the account's owner on another browser signs in."""
    username, password = server.accounts[LOCKED_USER]
    error = page.locator('[data-testid="stAlertContentError"]')
    page.goto(server.url)

    def attempt(secret: str) -> None:
        # The last attempt's message stays on screen until the next run draws its own, so
        # each attempt waits until the app has recorded it (on a busy machine a quick next
        # attempt landed before the one before it was counted)
        before = failed_sign_ins(server, username)
        fill_sign_in(page, username, secret)
        deadline = time.monotonic() + 30
        while failed_sign_ins(server, username) == before and time.monotonic() < deadline:
            time.sleep(0.1)
        wait_idle(page)

    for n in range(5):
        attempt(f"wrong-{n}")
        expect(error).to_have_count(1)
        expect(error).to_contain_text(th("auth.sign_in_failed"))
    screenshot(page, "05-wrong-password")
    attempt(password)
    expect(error).to_contain_text(th("auth.sign_in_failed"))
    expect_sign_in_screen(page)
    screenshot(page, "06-throttled")
    owner = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="th-TH")
    try:
        sign_in(owner.new_page(), server, username, password)
    finally:
        owner.close()


def test_language_switch_changes_the_ui(server: Server, page) -> None:
    username, password = server.accounts["payments_officer"]
    sign_in(page, server, username, password)
    page.locator(NAV_LINKS, has_text=th("nav.my_account")).click()
    page.get_by_role("heading", name=th("nav.my_account")).wait_for(state="visible")
    page.get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="My account").wait_for(state="visible")
    wait_idle(page)
    assert nav_titles(page) == [
        i18n.translate(f"nav.{p}", "en") for p in ROLE_PAGES["payments_officer"]
    ]
    screenshot(page, "07-english")
    page.locator(NAV_LINKS, has_text="Home").click()
    page.get_by_role("heading", name="Home").wait_for(state="visible")
    page.locator('[data-testid="stMetric"]').first.wait_for(state="visible")
    wait_idle(page)
    assert i18n.translate("metric.payment_success_rate_30d", "en") in page.inner_text("body")
    screenshot(page, "08-english-home")
    # Back to Thai so the account is as it was.
    page.locator(NAV_LINKS, has_text="My account").click()
    page.get_by_text("ไทย", exact=True).click()
    page.get_by_role("heading", name=th("nav.my_account")).wait_for(state="visible")


def test_sign_out_returns_to_sign_in(server: Server, page) -> None:
    username, password = server.accounts["branch_manager"]
    sign_in(page, server, username, password)
    page.get_by_role("button", name=th("auth.sign_out")).click()
    expect_sign_in_screen(page)
    assert th("auth.signed_out") in page.inner_text("body")
    screenshot(page, "09-signed-out")
