"""Browser test fixtures: one environment, one server and one Chromium for the session
(the deep-link tests of a server's very first request get fresh servers)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.admin import accounts, bootstrap
from dashboard.identity import authz
from dashboard.onboarding import store
from dashboard.payments import payouts
from tests.browser.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LOCKED_USER,
    BrowserEnv,
    Server,
    require_chromium,
    serve,
)
from warehouse import ops
from warehouse.settings import Settings, load_settings


@pytest.fixture(scope="session")
def browser_env(demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> BrowserEnv:
    """Environment of the servers: the demo lake (read only), an ops DB of their own with
    the demo accounts and one account to lock."""
    require_chromium()
    data = tmp_path_factory.mktemp("browser") / "data"
    data.mkdir()
    env = {
        **os.environ,
        "POSTMART_DATA_DIR": str(data),
        "POSTMART_LAKE_CATALOG": demo_settings.lake_catalog,
        "POSTMART_LAKE_DATA_PATH": demo_settings.lake_data_path,
        # impact: the demo lake is shared and read only; decisions must not write to it.
        "POSTMART_SELLER_SYNC": "manual",
        # payouts run weekly on this weekday: today, so that the run can be tried
        "POSTMART_PAYOUT_WEEKDAY": payouts.WEEKDAYS[store.now().weekday()],
    }
    for name in ("OPS_DB_URL", "INBOX_DIR"):
        env.pop(f"POSTMART_{name}", None)
    settings = load_settings(env)
    demo = bootstrap.create_demo_users(settings)
    made = {role: (u, p) for u, p, role in demo}
    _, lock_password = accounts.create_user(
        authz.CLI_ACTOR,
        username=LOCKED_USER,
        display_name=LOCKED_USER,
        role="ministry",
        settings=settings,
    )
    made[LOCKED_USER] = (LOCKED_USER, lock_password)
    ops.dispose_all()
    passwords = {u: p for u, p, _ in demo} | {LOCKED_USER: lock_password}
    return BrowserEnv(env=env, accounts=made, passwords=passwords)


@pytest.fixture(scope="session")
def server(browser_env: BrowserEnv, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for every signed-in test of the session."""
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with serve(browser_env, log) as running:
        yield running


@pytest.fixture
def fresh_server(browser_env: BrowserEnv, tmp_path: Path) -> Iterator[Server]:
    """A server that has served nobody yet (still in Streamlit's legacy page-folder mode)."""
    with serve(browser_env, tmp_path / "streamlit.log") as running:
        yield running


@pytest.fixture(scope="session")
def browser(browser_env: BrowserEnv) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh browser context (its own cookies, so its own Streamlit session)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()
