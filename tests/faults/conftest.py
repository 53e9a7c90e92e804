"""Fault-test fixtures: one environment with the tiny demo lake (read only) and an ops DB
of its own holding the demo accounts and the onboarding seed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from dashboard.admin import bootstrap
from dashboard.identity import auth
from tests.app.helpers import Seeded, seed_onboarding
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.faults.helpers import PrivatePg, private_pg
from warehouse import ops
from warehouse.settings import Settings, load_settings


@dataclass(frozen=True)
class FaultEnv:
    env: dict[str, str]
    passwords: dict[str, str]
    seeded: Seeded


@pytest.fixture(scope="session")
def fault_env(demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> FaultEnv:
    data = tmp_path_factory.mktemp("faults") / "data"
    data.mkdir()
    env = {
        **os.environ,
        "POSTMART_DATA_DIR": str(data),
        "POSTMART_LAKE_CATALOG": demo_settings.lake_catalog,
        "POSTMART_LAKE_DATA_PATH": demo_settings.lake_data_path,
    }
    for name in ("OPS_DB_URL", "INBOX_DIR", "COOKIE_SECRET_FILE"):
        env.pop(f"POSTMART_{name}", None)
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.items():
            if name.startswith("POSTMART_"):
                mp.setenv(name, value)
        mp.delenv("POSTMART_OPS_DB_URL", raising=False)
        demo = bootstrap.create_demo_users(load_settings())
        passwords = {u: p for u, p, _ in demo}
        seeded = seed_onboarding(
            auth.sign_in("demo.officer", passwords["demo.officer"], session_id="seed"),
            auth.sign_in("demo.phangnga", passwords["demo.phangnga"], session_id="seed"),
        )
        ops.dispose_all()
    return FaultEnv(env, passwords, seeded)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(locale="th-TH", viewport={"width": 1400, "height": 1000})
    p = context.new_page()
    p.set_default_timeout(30_000)
    yield p
    context.close()


@pytest.fixture(scope="session")
def pg() -> Iterator[PrivatePg]:
    """The fault tests' own PostgreSQL cluster (stopped and restarted by them)."""
    with private_pg() as cluster:
        yield cluster
