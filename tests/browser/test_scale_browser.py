"""The queue and office pages in Chromium with 5,000 pending applications in one province.

Run: .venv/bin/pytest tests/browser/test_scale_browser.py -m slow -s -p no:cacheprovider

Each figure is what the officer waits for: from the click until the new script run has
finished and the browser has drawn its result (server, websocket and rendering), after a
first visit of each page (also printed). No timing
assert (machines differ); the target is 1 s per interaction on the project machine. The
same steps without a browser: tests/app/test_scale_pages.py.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator

import geothai
import pytest

from dashboard import i18n
from tests.app.test_scale_pages import PENDING, PROVINCE, seed_pending
from tests.browser.helpers import BrowserEnv, Server, screenshot, seeding, serve
from tests.browser.test_browser import sign_in, wait_idle

from .test_onboarding_browser import choose, open_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def th(key: str, **params: object) -> str:
    return i18n.translate(key, "th", **params)


@pytest.fixture(scope="module")
def loaded(
    browser_env: BrowserEnv, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, str]]:
    """A server whose ops DB holds 5,000 pending Chiang Mai applications; an officer's
    password."""
    with seeding(browser_env):
        password = seed_pending()
    log = tmp_path_factory.mktemp("scale") / "streamlit.log"
    with serve(browser_env, log) as running:
        yield running, password


def _timed(label: str, step: Callable[[], None]) -> None:
    t0 = time.perf_counter()
    step()
    print(f"{label:<44} {(time.perf_counter() - t0) * 1000:7.0f} ms")


def test_queue_and_office_pages_with_5000_pending(loaded, page) -> None:
    server, password = loaded
    sign_in(page, server, "scale.officer", password)
    print()

    def shows_count(n: int) -> None:
        """The queue's caption counts n applications (thousands grouped or not)."""
        pattern = re.compile(rf"^{n // 1000},?{n % 1000:03d} ")
        page.get_by_text(pattern).first.wait_for(state="visible")

    def all_pending() -> None:
        open_page(page, "applications")
        shows_count(PENDING)

    # A first visit also loads the page's front-end code into the browser (about 1 s even
    # for the My account page here); what follows is the officer's working day.
    _timed("first visit: applications page", all_pending)
    _timed("first visit: office page", lambda: open_page(page, "office"))
    _timed("applications page, open (all pending)", all_pending)
    district = geothai.districts(PROVINCE)[2]

    def by_district() -> None:
        choose(page, th("applications.district"), district.name_th)
        wait_idle(page)
        shows_count(PENDING // 5)  # the sheet spreads them over five districts

    _timed("filter by district", by_district)

    def flagged() -> None:
        choose(page, th("applications.flag_filter"), th("applications.flagged"))
        wait_idle(page)

    _timed("filter: only flagged", flagged)
    screenshot(page, "scale-queue-5000")
    _timed("office page, open", lambda: open_page(page, "office"))
    screenshot(page, "scale-office-5000")
