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
from urllib.parse import urlparse

from playwright.async_api import TimeoutError as PlaywrightTimeout

from dashboard import i18n
from warehouse import vocab

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


# Set when the app's script run starts after it is installed: a pick in a select box
# leaves its heading in place, so the wait is for the run the pick starts.
_WATCH_RUN = """() => {
    window.__loadtestRan = false;
    const state = 'data-test-script-state';
    const now = () => {
        const app = document.querySelector('[data-testid="stApp"]');
        return app === null ? null : app.getAttribute(state);
    };
    const before = now();
    const seen = () => {
        window.__loadtestRan = true;
        observer.disconnect();
        clearInterval(poll);
    };
    // Installed on an idle app: any change of its run state is the run the action
    // starts. Not only "running": React may commit "running" and "not running" as one
    // update, and the frontend shows "rerunRequested" first. The whole document is
    // watched (a new app root node is seen too), and polled.
    const observer = new MutationObserver((changes) => {
        if (now() !== before || changes.some((c) => c.attributeName === state)) seen();
    });
    observer.observe(document.body, {
        subtree: true, childList: true, attributeFilter: [state], attributeOldValue: true,
    });
    const poll = setInterval(() => { if (now() !== before) seen(); }, 25);
}"""


async def open_page(page: Any, key: str) -> None:
    """Click the page's link and wait for its heading and the end of its run. Call
    :func:`leave` first (untimed): on the page already open the heading shows before
    anything happens, and the click may start no run a watcher can see (a quick run's
    "running" and "not running" can reach the DOM in one React update)."""
    await page.locator(NAV_LINKS, has_text=th(f"nav.{key}")).first.click()
    await page.get_by_role("heading", name=th(f"nav.{key}")).first.wait_for(state="visible")
    await idle(page)


async def leave(page: Any, key: str) -> None:
    """Go to the home page when ``key`` is the page open now (not timed)."""
    if urlparse(page.url).path.rstrip("/").rsplit("/", 1)[-1] != key:
        return
    await page.locator(NAV_LINKS, has_text=th("nav.home")).first.click()
    await page.get_by_role("heading", name=th("home.title")).first.wait_for(state="visible")
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
        await leave(page, key)
        await rec.timed(name, f"open {key}", lambda: open_page(page, key))

    return run


async def officer_decides(page: Any, rec: Recorder, ctx: Any) -> None:
    """Open the queue, open the next waiting application by its number, reject it with a
    reason and a note, see the decision saved."""
    app_id = ctx.next_application()
    if app_id is None:
        # every waiting application decided: the officer goes between the queue and the
        # office overview (a click on the link of the page already open may start no run,
        # and the watcher would wait for one: the error at 1.5 users per replica)
        state = _state(page)
        state["round"] += 1
        key = ("office", "applications")[state["round"] % 2]
        await leave(page, key)
        await rec.timed("officer_decides", f"open {key}", lambda: open_page(page, key))
        return
    name = "officer_decides"
    await leave(page, "applications")
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

    # choose() waits for the run the action's pick starts: waiting only for "not running"
    # could pass before that run began, and the reason's pick then landed on a box being
    # redrawn (its menu never opened: the load test's one error at 0.5 users per replica).
    # The reason sits in the decision's form: its pick starts no run.
    await rec.timed(
        name,
        "choose action",
        lambda: choose(page, th("applications.action"), th("onboarding.action.reject")),
    )
    await rec.timed(
        name,
        "choose reason",
        lambda: choose(page, th("applications.reason"), nth=1, reruns=False),
    )
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


async def choose(
    page: Any,
    label: str,
    option: str | re.Pattern | None = None,
    nth: int | None = None,
    *,
    reruns: bool = True,
) -> str:
    """Pick ``option`` (typed, then clicked) or the ``nth`` entry of the select box labelled
    ``label``; returns the option's text. Waits for the run the pick starts to finish
    (``reruns=False``: a box inside a form, whose pick starts none)."""
    box = page.locator(
        '[data-testid="stSelectbox"]',
        has=page.locator("label", has_text=re.compile(f"^{re.escape(label)}$")),
    ).first
    await page.evaluate(_WATCH_RUN)
    await box.locator("input").click()
    if isinstance(option, re.Pattern):
        await page.keyboard.type(option.pattern.replace("\\", ""))
        picked = page.get_by_role("option", name=option).first
    elif option is not None:
        await page.keyboard.type(option)
        picked = page.get_by_role("option", name=option, exact=True)
    else:
        picked = page.get_by_role("option").nth(nth or 1)
    text = (await picked.inner_text()).strip()
    await picked.click()
    if reruns:
        # A different choice reruns the page: wait for that run, not for the last one's end.
        await page.wait_for_function("window.__loadtestRan === true")
    await idle(page)
    return text


async def see(page: Any, text: str | re.Pattern) -> None:
    await page.get_by_text(text).first.wait_for(state="visible")


# Streamlit's tables draw on a canvas; an accessible copy of the visible rows sits in the
# DOM (``glide-cell-<column>-<row>``, column 0 the row marker of a selectable table).
TABLE_ROW_PX = 35


async def select_first_row(page: Any, shows: tuple[int, str] | None = None) -> str | None:
    """Select the first row of the page's first table; its first column's text, or None
    when the table is empty. ``shows`` (column, text): first wait until the first row's
    cell in that column reads so — the grid's accessible copy of its rows can lag behind
    the canvas after a filter, and would name the last filter's first row."""
    grid = page.locator('[data-testid="stDataFrame"]').first
    await grid.wait_for(state="visible")
    if shows is not None:
        column, text = shows
        cell = grid.locator(f'[data-testid="glide-cell-{column}-0"]', has_text=text)
        await cell.wait_for(state="attached")  # the accessible copy is hidden
    cell = grid.locator('[data-testid="glide-cell-1-0"]')
    if not await cell.count():
        return None
    text = (await cell.inner_text()).strip()
    box = await grid.locator("canvas").first.bounding_box()
    await page.mouse.click(box["x"] + 15, box["y"] + TABLE_ROW_PX * 1.5)
    return text


def _state(page: Any) -> dict:
    """A user's own memory between rounds (kept on their page object)."""
    if not hasattr(page, "_loadtest_state"):
        page._loadtest_state = {"round": 0}
    return page._loadtest_state


async def payments_officer_queue(page: Any, rec: Recorder, ctx: Any) -> None:
    """Open the exception queue, filter it by a rail, open the first case, comment on it
    and assign it (to themselves): writes of the run's own ops DB copy."""
    name = "payments_queue"
    state = _state(page)
    state["round"] += 1
    rail = vocab.PAYMENT_RAILS[state["round"] % len(vocab.PAYMENT_RAILS)]
    await leave(page, "exception_queue")
    await rec.timed(name, "open exception_queue", lambda: open_page(page, "exception_queue"))
    await rec.timed(
        name,
        "filter rail",
        lambda: choose(page, th("payments.col.rail"), th(f"payments.rail.{rail}")),
    )
    opened: dict[str, str | None] = {}

    async def open_case() -> None:
        opened["id"] = None
        # column 3 is the rail (pages/exception_queue.py, COLUMNS)
        first = await select_first_row(page, shows=(3, th(f"payments.rail.{rail}")))
        if first is None:
            return
        # The first row's case, opened under the table: its own heading, not any case's
        # (the one opened last round may still be showing; a click on a row selected
        # before may start no run, so no run is waited for).
        case_id = first.replace(",", "")
        heading = th("payments.case_title", case_id=case_id)
        await page.get_by_role("heading", name=heading).first.wait_for(state="visible")
        await idle(page)
        opened["id"] = case_id

    await rec.timed(name, "open case", open_case)
    case_id = opened["id"]
    if not case_id:
        return
    comment = page.get_by_label(th("payments.comment"))
    if not await comment.count():  # a case another user just resolved, or awaiting approval
        return
    await comment.fill(f"ตรวจสอบภาระระบบ รอบ {state['round']}")

    async def add_comment() -> None:
        await page.get_by_role("button", name=th("payments.add_comment"), exact=True).click()
        await see(page, th("payments.commented", case_id=case_id))
        await idle(page)

    await rec.timed(name, "comment", add_comment)

    async def assign() -> None:
        await page.get_by_role("button", name=th("payments.assign"), exact=True).click()
        await see(
            page,
            re.compile(re.escape(th("payments.assigned", case_id=case_id, who="@")).split("@")[0]),
        )
        await idle(page)

    if await page.get_by_role("button", name=th("payments.assign"), exact=True).count():
        await rec.timed(name, "assign", assign)


async def branch_manager_map(page: Any, rec: Recorder, ctx: Any) -> None:
    """Open the network map, narrow it to one branch of the region (the map centres on
    it), click the branch on the map to open its scorecard, then change the service."""
    name = "branch_map"
    state = _state(page)
    state["round"] += 1
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first

    async def open_map() -> None:
        await open_page(page, "delivery_map")
        await canvas.wait_for(state="visible")

    await leave(page, "delivery_map")
    await rec.timed(name, "open delivery_map", open_map)
    picked: dict[str, str] = {}

    code = ctx.branches[state["round"] % len(ctx.branches)]

    async def filter_branch() -> None:
        text = await choose(page, th("logistics.filter.branch"), re.compile(re.escape(code)))
        picked["code"] = text.split("·")[0].strip()
        await canvas.wait_for(state="visible")

    await rec.timed(name, "filter branch", filter_branch)
    heading = page.get_by_text(re.compile(re.escape(f"ผลงาน {picked['code']}"))).first

    async def click_branch() -> None:
        # deck.gl may still be wiring its picking when the canvas shows: a click that
        # picks nothing is repeated (as the logistics browser test does).
        await page.wait_for_timeout(500)
        for attempt in range(6):
            box = await canvas.bounding_box()
            await page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            try:
                await heading.wait_for(state="visible", timeout=5_000 if attempt < 5 else None)
                break
            except PlaywrightTimeout:
                if attempt == 5:
                    raise
        await idle(page)

    await rec.timed(name, "click branch on map", click_branch)
    service = vocab.SERVICE_CODES[state["round"] % len(vocab.SERVICE_CODES)]

    async def filter_service() -> None:
        await choose(page, th("logistics.filter.service"), th(f"logistics.service.{service}"))
        await canvas.wait_for(state="visible")

    await rec.timed(name, "filter service", filter_service)


async def ministry_briefing(page: Any, rec: Recorder, ctx: Any) -> None:
    """Open programme impact, change the map's KPI, pin a briefing (first round) or open
    the one pinned before from the briefing list, download its XLSX and its PDF."""
    name = "ministry_briefing"
    state = _state(page)
    state["round"] += 1
    figures = page.locator('[data-testid="stMetricValue"]').first

    async def open_impact() -> None:
        await open_page(page, "impact")
        await figures.wait_for(state="visible")

    await leave(page, "impact")
    await rec.timed(name, "open impact", open_impact)
    kpi = ("orders", "active_sellers", "gmv_thb")[state["round"] % 3]  # never the default
    await rec.timed(
        name, "choose kpi", lambda: choose(page, th("impact.kpi"), th(f"impact.kpi.{kpi}.name"))
    )
    close = page.get_by_role("button", name=th("impact.briefing.close"))
    if await close.count():  # the briefing of the last round is still open: close it

        async def close_briefing() -> None:
            await page.evaluate(_WATCH_RUN)
            await close.click()
            await page.get_by_text(th("impact.briefing.title")).first.wait_for(state="visible")
            await page.wait_for_function("window.__loadtestRan === true")
            await idle(page)

        await rec.timed(name, "close briefing", close_briefing)
    await page.get_by_text(th("impact.briefing.title")).first.click()
    xlsx_button = page.get_by_role("button", name=th("impact.briefing.download_xlsx"))
    if "briefing" not in state:
        box = page.get_by_label(th("impact.briefing.name"))
        await box.fill(f"สรุปทดสอบภาระ {id(page) % 10_000}")
        await box.press("Enter")
        await idle(page)

        async def pin() -> None:
            await page.get_by_role("button", name=th("impact.briefing.pin")).click()
            await xlsx_button.wait_for(state="visible")
            await idle(page)

        await rec.timed(name, "pin briefing", pin)
        state["briefing"] = re.search(r"briefing=([^&]+)", page.url).group(1)
    else:

        async def open_briefing() -> None:
            await page.locator(f'a[href*="briefing={state["briefing"]}"]').first.click()
            await xlsx_button.wait_for(state="visible")
            await idle(page)

        await rec.timed(name, "open briefing", open_briefing)

    async def download(key: str) -> None:
        async with page.expect_download() as info:
            await page.get_by_role("button", name=th(key)).click()
        download = await info.value
        if await download.failure():
            raise RuntimeError(f"download failed: {key}")

    await rec.timed(name, "download xlsx", lambda: download("impact.briefing.download_xlsx"))
    await rec.timed(name, "download pdf", lambda: download("impact.briefing.download_pdf"))


# The mix: officers deciding applications, payments officers in the exception
# queue, branch managers on the map and the ministry exporting a briefing; admins going
# through their pages. Users are dealt these in order, so every stage of at least five
# users has one of each.
USER_SCRIPTS: list[UserScript] = [
    UserScript("officer_decides", "provincial_officer", officer_decides),
    UserScript("payments_queue", "payments_officer", payments_officer_queue),
    UserScript("branch_map", "branch_manager", branch_manager_map),
    UserScript("ministry_briefing", "ministry", ministry_briefing),
    UserScript(
        "admin_browses",
        "admin",
        browsing("admin_browses", ("home", "data_loads", "users", "audit_log", "applications")),
    ),
]
