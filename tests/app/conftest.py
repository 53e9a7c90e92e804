"""AppTest fixtures: the shared tiny demo lake (read only), a fresh ops DB per test with the
demo accounts, and helpers that drive the real entrypoint and page files."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.runtime.scriptrunner import script_runner
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
from streamlit.testing.v1 import AppTest

from dashboard import i18n
from dashboard.admin import bootstrap
from dashboard.identity import auth, sessions
from dashboard.ui.session import SESSION_KEY
from warehouse import ops
from warehouse.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "streamlit_app.py"
PAGE_FILES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
# Warehouse queries take longer than AppTest's default 3 s.
TIMEOUT_S = 60

# What each role must see in its navigation, in order (issue #3). Written out here rather
# than read from dashboard.authz, so a change to the rules has to change this test too.
EVERYONE = ["home", "my_account"]
ONBOARDING = ["applications", "application_import", "listings", "office"]
ROLE_PAGES = {
    "ministry": ["home", "office", "my_account"],
    "provincial_officer": ["home", *ONBOARDING, "my_account"],
    "branch_manager": EVERYONE,
    "payments_officer": EVERYONE,
    "admin": ["home", *ONBOARDING, "my_account", "users", "data_loads", "audit_log"],
}


@pytest.fixture(autouse=True)
def _server_past_its_first_navigation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the main script as a server does once ``st.navigation`` has been called.

    A real server leaves its legacy page-folder mode for good at the first
    ``st.navigation`` call. AppTest resets that flag before every run, so each run would
    start in legacy mode and run a page file on its own whenever the requested page's
    url_path matches a file in pages/. That legacy case is tested directly (AppTest of a
    page file, and the browser test's first deep links); everything else runs the
    entrypoint, which routes to the page.
    """

    def run_main_script(main_script_path: str) -> None:
        ctx = get_script_run_ctx()
        code = ctx.pages_manager.get_page_script_byte_code(main_script_path)
        module = types.ModuleType("__main__")
        module.__dict__["__file__"] = main_script_path
        exec(code, module.__dict__)  # noqa: S102 - what Streamlit's script runner does

    monkeypatch.setattr(script_runner, "_mpa_v1", run_main_script)
    # Streamlit's script runner leaves its own module in sys.modules["__main__"]; a later
    # test that spawns processes would then re-run a page file in each child.
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])


@pytest.fixture
def app_env(
    demo_settings: Settings, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """This test's ops DB and inbox, the session's demo lake; caches cleared after."""
    monkeypatch.setenv("POSTMART_LAKE_CATALOG", demo_settings.lake_catalog)
    monkeypatch.setenv("POSTMART_LAKE_DATA_PATH", demo_settings.lake_data_path)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield load_settings()
    st.cache_data.clear()
    st.cache_resource.clear()
    ops.dispose_all()


@pytest.fixture
def demo_accounts(app_env: Settings) -> dict[str, tuple[str, str, str]]:
    """username -> (username, password, role) of every demo account."""
    return {u: (u, p, role) for u, p, role in bootstrap.create_demo_users()}


def account_of(demo_accounts: dict, role: str) -> tuple[str, str]:
    username, password, _ = next(a for a in demo_accounts.values() if a[2] == role)
    return username, password


def seed_session(at: AppTest, username: str, password: str) -> None:
    """Sign ``username`` in for a run of ``at`` that starts past the sign-in form (a page
    file run on its own): a real session row, as the sign-in form would make."""
    user = auth.sign_in(username, password, session_id="t")
    at.session_state[SESSION_KEY] = sessions.start(user, method="password").public_id


def new_app(path: Path = ENTRYPOINT) -> AppTest:
    return AppTest.from_file(str(path), default_timeout=TIMEOUT_S)


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(password)
    submit = next(b for b in at.button if b.label == i18n.translate("auth.sign_in", "th"))
    return submit.click().run()


def signed_in_app(username: str, password: str) -> AppTest:
    return sign_in(new_app().run(), username, password)


def nav_pages(at: AppTest) -> list[str]:
    """The url paths of the navigation the last run built (the default page's is "")."""
    # AppTest keeps what st.navigation registered; there is no public accessor for it.
    return [info["url_pathname"] for info in at._registered_pages.values()]


def shows_sign_in_form(at: AppTest) -> bool:
    keys = {w.key for w in at.text_input}
    return {"sign_in_username", "sign_in_password"} <= keys


def shows_data(at: AppTest) -> bool:
    """Any figure, table, chart or download: what a page shows once past its guard."""
    return bool(
        len(at.metric)
        or len(at.dataframe)
        or at.get("plotly_chart")
        or at.get("download_button")
        or at.get("code")
    )
