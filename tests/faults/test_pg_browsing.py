"""PostgreSQL (the ops DB: sessions, accounts) stopped while a user browses: the next
page shows a kind message instead of an error, and comes back by itself — still signed
in — once PostgreSQL is up again."""

from __future__ import annotations

import os
import time

import pytest

from dashboard import i18n
from dashboard.admin import bootstrap
from tests.browser.helpers import BrowserEnv, screenshot, serve
from tests.browser.test_browser import NAV_LINKS, sign_in, wait_idle
from tests.faults.helpers import PrivatePg
from warehouse import ops
from warehouse.settings import Settings, load_settings

pytestmark = [pytest.mark.faults, pytest.mark.browser]


def th(key: str, **params: object) -> str:
    return i18n.translate(key, "th", **params)


def test_postgres_restarted_while_browsing(pg: PrivatePg, demo_settings: Settings, page, tmp_path):
    name = f"ops_browse_{time.monotonic_ns() % 10**9}"
    pg.createdb(name)
    data = tmp_path / "data"
    data.mkdir()
    env = {
        **os.environ,
        "POSTMART_DATA_DIR": str(data),
        "POSTMART_OPS_DB_URL": pg.url(name),
        "POSTMART_LAKE_CATALOG": demo_settings.lake_catalog,
        "POSTMART_LAKE_DATA_PATH": demo_settings.lake_data_path,
    }
    env.pop("POSTMART_INBOX_DIR", None)
    made = bootstrap.create_demo_users(load_settings(env))
    ops.dispose_all()
    accounts = {role: (u, p) for u, p, role in made}
    browser_env = BrowserEnv(env=env, accounts=accounts, passwords={u: p for u, p, _ in made})
    with serve(browser_env, tmp_path / "streamlit.log") as server:
        username, password = accounts["ministry"]
        sign_in(page, server, username, password)
        pg.stop()
        try:
            page.locator(NAV_LINKS, has_text=th("nav.my_account")).click()
            page.get_by_text(th("production.ops_unavailable")).wait_for(state="visible")
            screenshot(page, "91-faults-ops-db-down")
            body = page.inner_text("body")
            assert "Traceback" not in body and "OperationalError" not in body
        finally:
            pg.start()
        # No click: the page tries again by itself and shows what was asked for.
        page.get_by_role("heading", name=th("nav.my_account")).wait_for(
            state="visible", timeout=60_000
        )
        wait_idle(page)
        assert page.get_by_text(th("production.ops_unavailable")).count() == 0
        assert page.locator(NAV_LINKS).count() > 0  # still signed in
