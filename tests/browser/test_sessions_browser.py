"""Sessions in Chromium: a sign-in survives a reload and opens a second tab's deep link;
signing out in one tab, or an admin disabling the account, drops the other tab at its next
click; an idle session ends; the cookie is HttpOnly and SameSite=Lax and its token is in
no script-readable place; the server sends its security headers and keeps its metrics
from strangers. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import dataclasses
import hashlib
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from dashboard.admin import accounts
from dashboard.identity import authz
from dashboard.ui.server import METRICS_PATH
from tests.browser.helpers import BrowserEnv, Server, screenshot, seeding, serve
from tests.browser.test_browser import (
    NAV_LINKS,
    expect_sign_in_screen,
    session_cookie,
    sign_in,
    th,
    wait_idle,
)
from warehouse import ops
from warehouse.ops_schema import auth_session
from warehouse.settings import load_settings

pytestmark = pytest.mark.browser


def _click_nav(page, key: str) -> None:
    page.locator(NAV_LINKS, has_text=th(f"nav.{key}")).click()


def _new_account(browser_env: BrowserEnv, username: str) -> tuple[str, str, int]:
    with seeding(browser_env):
        user, password = accounts.create_user(
            authz.CLI_ACTOR, username=username, display_name=username, role="admin"
        )
    return user.username, password, user.user_id


def test_reload_and_a_second_tab_stay_signed_in_with_the_filters(server: Server, page) -> None:
    username, password = server.accounts["admin"]
    sign_in(page, server, username, password, path="audit_log?action=auth.sign_in")
    page.get_by_role("heading", name=th("nav.audit_log")).wait_for(state="visible")
    assert page.url.endswith("/audit_log?action=auth.sign_in")
    page.reload()
    page.get_by_role("heading", name=th("nav.audit_log")).wait_for(state="visible")
    wait_idle(page)
    assert page.url.endswith("/audit_log?action=auth.sign_in")  # same page, same filter
    assert page.locator(NAV_LINKS).count() > 0
    screenshot(page, "40-reloaded")
    # A link opened in a second tab: signed in, on that page.
    second = page.context.new_page()
    second.goto(f"{server.url}/users")
    second.get_by_role("heading", name=th("nav.users")).wait_for(state="visible")
    wait_idle(second)
    screenshot(second, "41-second-tab")


def test_the_token_is_in_no_place_a_script_can_read(server: Server, page) -> None:
    username, password = server.accounts["ministry"]
    sign_in(page, server, username, password)
    cookie = session_cookie(page)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
    token = cookie["value"]
    assert token not in page.evaluate("document.cookie")
    assert token not in page.url
    assert token not in page.content()
    with ops.read(ops.engine(load_settings(server.env))) as conn:
        stored = conn.execute(select(auth_session.c.token_sha256)).scalars().all()
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    assert token not in stored


def test_sign_out_in_one_tab_drops_the_other_at_its_next_click(server: Server, page) -> None:
    username, password = server.accounts["payments_officer"]
    sign_in(page, server, username, password)
    other = page.context.new_page()
    other.goto(f"{server.url}/my_account")
    other.get_by_role("heading", name=th("nav.my_account")).wait_for(state="visible")
    page.get_by_role("button", name=th("auth.sign_out")).click()
    expect_sign_in_screen(page)
    assert th("auth.signed_out") in page.inner_text("body")
    _click_nav(other, "home")
    expect_sign_in_screen(other)
    screenshot(other, "42-other-tab-after-sign-out")


def test_disabling_an_account_drops_its_open_tab_at_its_next_click(
    browser_env: BrowserEnv, server: Server, page
) -> None:
    username, password, user_id = _new_account(browser_env, "browser.disableme")
    sign_in(page, server, username, password)
    with seeding(browser_env):
        accounts.set_active(authz.CLI_ACTOR, user_id, False)
    _click_nav(page, "my_account")
    expect_sign_in_screen(page)
    assert th("auth.session_revoked") in page.inner_text("body")
    screenshot(page, "43-disabled")


@pytest.fixture(scope="module")
def impatient_server(
    browser_env: BrowserEnv, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A server whose sessions end after three idle seconds."""
    env = dataclasses.replace(
        browser_env, env={**browser_env.env, "POSTMART_SESSION_IDLE_MINUTES": "0.05"}
    )
    with serve(env, tmp_path_factory.mktemp("idle") / "streamlit.log") as running:
        yield running


def test_an_idle_session_ends(impatient_server: Server, page) -> None:
    username, password = impatient_server.accounts["ministry"]
    sign_in(page, impatient_server, username, password)
    page.wait_for_timeout(4_000)
    _click_nav(page, "my_account")
    expect_sign_in_screen(page)
    assert th("auth.session_expired") in page.inner_text("body")
    screenshot(page, "44-idle")


def test_security_headers_on_every_page(server: Server, page) -> None:
    response = page.goto(f"{server.url}/users")
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"]
    expect_sign_in_screen(page)  # and the app still works under its policy


def test_metrics_only_for_a_signed_in_session(server: Server, page) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{server.url}{METRICS_PATH}", timeout=10)
    assert refused.value.code == 404
    username, password = server.accounts["admin"]
    sign_in(page, server, username, password)
    assert page.context.request.get(f"{server.url}{METRICS_PATH}").status == 200
