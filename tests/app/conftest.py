"""AppTest fixtures: the shared tiny demo lake (read only), and for each test a copy of an
ops DB made once with the demo accounts and the demo officers' onboarding records."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import streamlit as st
from streamlit.runtime.scriptrunner import script_runner
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from dashboard.admin import bootstrap
from dashboard.identity import auth
from tests import ops_db
from tests.app.helpers import Seeded, seed_onboarding
from warehouse import ops
from warehouse.settings import Settings, load_settings


@pytest.fixture(scope="session")
def app_template(
    demo_settings: Settings, sqlite_ops_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> AppTemplate:
    """An ops DB with the demo accounts and the onboarding records of ``seed_onboarding``,
    made once; each AppTest gets a copy (``app_env``)."""
    folder = tmp_path_factory.mktemp("app_template")
    path = folder / "ops.sqlite"
    env = {
        "POSTMART_DATA_DIR": str(folder),
        "POSTMART_OPS_DB_URL": ops_db.copy_sqlite(sqlite_ops_template, path),
        "POSTMART_LAKE_CATALOG": demo_settings.lake_catalog,
        "POSTMART_LAKE_DATA_PATH": demo_settings.lake_data_path,
        # impact: the demo lake is shared and read only; decisions must not write to it.
        "POSTMART_SELLER_SYNC": "manual",
    }
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.items():
            mp.setenv(name, value)
        made = {u: (u, p, role) for u, p, role in bootstrap.create_demo_users()}
        seeded = seed_onboarding(
            auth.sign_in("demo.officer", made["demo.officer"][1], session_id="seed"),
            auth.sign_in("demo.phangnga", made["demo.phangnga"][1], session_id="seed"),
        )
        # payments (issue 9): the exception queue as `postmart demo` leaves it.
        from dashboard.identity.user import CLI_ACTOR
        from dashboard.payments import recon

        recon.run(CLI_ACTOR)
        ops.dispose_all()
    ops_db.checkpoint(path)
    return AppTemplate(path, made, seeded)


@dataclass(frozen=True)
class AppTemplate:
    ops_file: Path
    accounts: dict[str, tuple[str, str, str]]  # username -> (username, password, role)
    seeded: Seeded


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
    demo_settings: Settings,
    app_template: AppTemplate,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Settings]:
    """This test's ops DB (a copy of the template) and inbox, the session's demo lake.
    Cached figures are cleared after; the lake reader stays (it is keyed by the lake,
    the same for every AppTest)."""
    url = ops_db.copy_sqlite(app_template.ops_file, data_dir / "ops.sqlite")
    monkeypatch.setenv("POSTMART_OPS_DB_URL", url)
    monkeypatch.setenv("POSTMART_LAKE_CATALOG", demo_settings.lake_catalog)
    monkeypatch.setenv("POSTMART_LAKE_DATA_PATH", demo_settings.lake_data_path)
    monkeypatch.setenv("POSTMART_SELLER_SYNC", "manual")  # impact: the shared lake stays as built
    st.cache_data.clear()
    yield load_settings()
    st.cache_data.clear()
    ops.dispose_all()


@pytest.fixture
def demo_accounts(app_env: Settings, app_template: AppTemplate) -> dict[str, tuple[str, str, str]]:
    """username -> (username, password, role) of every demo account."""
    return app_template.accounts


@pytest.fixture
def seeded(app_env: Settings, app_template: AppTemplate) -> Seeded:
    """The demo officers' onboarding records (in this test's copy of the template)."""
    return app_template.seeded
