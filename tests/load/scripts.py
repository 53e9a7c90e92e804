"""The load test's users: each a script of real browser interactions, as a list, so a
domain adds its pages by adding a ``UserScript`` (payments officers in the queue, branch
managers on the map…). An interaction is timed from the click to the page drawn (the
expected element visible and Streamlit's run finished)."""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from dashboard import i18n

APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
NAV_LINKS = '[data-testid="stSidebarNav"] [data-testid="stSidebarNavLink"]'


def th(key: str, **params: object) -> str:
    return i18n.translate(key, "th", **params)


@dataclass
class Recorder:
    """Where interactions are recorded: (script, interaction, seconds, error or None)."""

    rows: list[tuple[str, str, float, str | None]] = field(default_factory=list)

    async def timed(self, script: str, name: str, act: Callable[[], Awaitable[Any]]) -> None:
        started = time.perf_counter()
        try:
            await act()
        except Exception as exc:  # noqa: BLE001 — an error is a result of the load test
            self.rows.append((script, name, time.perf_counter() - started, type(exc).__name__))
            raise
        self.rows.append((script, name, time.perf_counter() - started, None))


async def idle(page: Any) -> None:
    await page.wait_for_selector(APP_IDLE, state="attached")


async def open_page(page: Any, key: str) -> None:
    await page.locator(NAV_LINKS, has_text=th(f"nav.{key}")).first.click()
    await page.get_by_role("heading", name=th(f"nav.{key}")).first.wait_for(state="visible")
    await idle(page)


@dataclass(frozen=True)
class UserScript:
    """``role`` signs in as one of the accounts of that role; ``run`` does one round of
    interactions (called again and again until the stage ends)."""

    name: str
    role: str
    run: Callable[[Any, Recorder, Any], Awaitable[None]]


def browsing(name: str, pages: tuple[str, ...]) -> Callable[[Any, Recorder, Any], Awaitable[None]]:
    """A user going through the pages of their role, one click each."""
    cycle = itertools.cycle(pages)

    async def run(page: Any, rec: Recorder, ctx: Any) -> None:
        key = next(cycle)
        await rec.timed(name, f"open {key}", lambda: open_page(page, key))

    return run


async def officer_decides(page: Any, rec: Recorder, ctx: Any) -> None:
    """Open the queue, open the next waiting application by its number, reject it with a
    reason and a note, see the decision saved."""
    app_id = ctx.next_application()
    if app_id is None:
        await rec.timed(
            "officer_decides", "open applications", lambda: open_page(page, "applications")
        )
        return
    name = "officer_decides"
    await rec.timed(name, "open applications", lambda: open_page(page, "applications"))

    async def open_one() -> None:
        box = page.get_by_label(th("applications.open_by_id"))
        await box.fill(app_id)
        await box.press("Enter")
        await page.get_by_role("heading", name=re.compile(re.escape(app_id))).wait_for(
            state="visible"
        )
        await idle(page)

    await rec.timed(name, "open application", open_one)

    async def choose(label: str, option: str | None = None, nth: int | None = None) -> None:
        box = page.locator(
            '[data-testid="stSelectbox"]',
            has=page.locator("label", has_text=re.compile(f"^{re.escape(label)}$")),
        )
        await box.locator("input").click()
        if option is not None:
            await page.keyboard.type(option)
            await page.get_by_role("option", name=option, exact=True).click()
        else:
            await page.get_by_role("option").nth(nth or 1).click()
        await idle(page)

    await rec.timed(
        name,
        "choose action",
        lambda: choose(th("applications.action"), th("onboarding.action.reject")),
    )
    await rec.timed(name, "choose reason", lambda: choose(th("applications.reason"), nth=1))
    await page.get_by_label(th("applications.note")).last.fill("ทดสอบภาระระบบ")

    async def submit() -> None:
        await page.get_by_role(
            "button", name=th("applications.submit_decision"), exact=True
        ).click()
        await page.get_by_text(
            th("applications.decided", action=th("onboarding.action.reject"))
        ).first.wait_for(state="visible")
        await idle(page)

    await rec.timed(name, "submit decision", submit)


# Today's mix: officers deciding applications, admins and the ministry browsing what
# exists. Domains add their scripts here (and their pages to the browsing lists).
USER_SCRIPTS: list[UserScript] = [
    UserScript("officer_decides", "provincial_officer", officer_decides),
    UserScript(
        "admin_browses",
        "admin",
        browsing("admin_browses", ("home", "data_loads", "users", "audit_log", "applications")),
    ),
    UserScript("ministry_browses", "ministry", browsing("ministry_browses", ("home", "office"))),
]
