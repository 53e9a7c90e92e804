"""A replica dies mid-session (`postmart serve --replicas 2`, the replica serving the
browser killed with SIGKILL): the user's next click is served by the other replica, still
signed in; the decision made just before is there once — not lost, not doubled."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dashboard import i18n
from tests.browser.helpers import screenshot
from tests.browser.test_browser import NAV_LINKS, sign_in, wait_idle
from tests.browser.test_onboarding_browser import decide, open_application, open_page
from tests.faults.conftest import FaultEnv
from tests.faults.helpers import serving
from warehouse import ops
from warehouse.ops_schema_onboarding import ob_application_event
from warehouse.settings import load_settings

pytestmark = [pytest.mark.faults, pytest.mark.browser]


APP = '[data-testid="stApp"]'
CONNECTION = "data-test-connection-state"


def th(key: str, **params: object) -> str:
    return i18n.translate(key, "th", **params)


def decisions(env: dict[str, str], application_id: str) -> list[str]:
    eng = ops.create(load_settings(env).ops_db_url)
    try:
        with eng.connect() as conn:
            rows = conn.execute(
                sa.select(ob_application_event.c.action).where(
                    ob_application_event.c.application_id == application_id
                )
            )
            return [r.action for r in rows]
    finally:
        eng.dispose()


def test_kill_the_serving_replica_next_click_still_signed_in(fault_env: FaultEnv, page, tmp_path):
    with serving(fault_env.env, 2, tmp_path / "serve.log") as served:
        server = type("S", (), {"url": served.url})()
        sign_in(page, server, "demo.officer", fault_env.passwords["demo.officer"])
        open_page(page, "applications")
        open_application(page, fault_env.seeded.clean, "วิสาหกิจชุมชนบ้านทดสอบ 101")
        decide(page, "approve")
        page.get_by_role("button", name=th("applications.submit_decision"), exact=True).click()
        page.get_by_text(
            th("applications.decided", action=th("onboarding.action.approve"))
        ).first.wait_for(state="visible")
        wait_idle(page)

        mine = served.upstreams(served.access_log())[-1]
        other = next(p for p in served.replica_ports if p != mine)
        before = len(served.access_log())
        served.kill_replica(mine)

        # The tab notices and reconnects through nginx (to the other replica), as it does
        # by itself while the user looks at the page; then the user's next click.
        page.wait_for_selector(f"{APP}:not([{CONNECTION}='CONNECTED'])", state="attached")
        page.wait_for_selector(f"{APP}[{CONNECTION}='CONNECTED']", state="attached", timeout=90_000)
        page.locator(NAV_LINKS, has_text=th("nav.home")).click()
        page.get_by_role("heading", name=th("nav.home")).wait_for(state="visible", timeout=90_000)
        wait_idle(page)
        assert page.locator(NAV_LINKS).count() > 0  # still signed in: the role's pages
        assert page.get_by_label(th("auth.password")).count() == 0
        assert other in served.upstreams(served.access_log()[before:])

        # The decision made on the dead replica is there, once.
        screenshot(page, "90-faults-after-failover")
        open_page(page, "applications")
        open_application(page, fault_env.seeded.clean, "วิสาหกิจชุมชนบ้านทดสอบ 101")
        assert th("onboarding.status.approved") in page.inner_text("body")
        assert decisions(fault_env.env, fault_env.seeded.clean).count("approve") == 1
