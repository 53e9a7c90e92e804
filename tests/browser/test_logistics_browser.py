"""The network map in Chromium: an admin opens the map narrowed to one branch (its point
is then the map's centre), clicks the branch on the map and sees that branch's scorecard
and late list under the map, with the branch in the URL, and downloads the late list (the
CSV holds every late item the list counts); the map is drawn without any basemap tiles
(offline)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dashboard import i18n
from tests.browser.helpers import BrowserEnv, Server, screenshot
from tests.browser.test_browser import sign_in, wait_idle
from warehouse.lake import connect_reader

pytestmark = pytest.mark.browser


def th(key: str, **params: object) -> str:
    return i18n.translate(key, "th", **params)


def _branch_with_late_items(demo_settings) -> str:
    """The branch with the most shipments still open two weeks after acceptance (late under
    every service standard): its late list is never empty."""
    con = connect_reader(demo_settings)
    try:
        return con.execute(
            "select origin_branch_code from mart_open_shipment "
            "where accepted_at < (select max(as_of) from mart_logistics_now) - interval 14 day "
            "group by 1 order by count(*) desc, 1 limit 1"
        ).fetchone()[0]
    finally:
        con.close()


def test_clicking_a_branch_on_the_map_opens_its_scorecard(
    browser_env: BrowserEnv, server: Server, page, demo_settings
) -> None:
    branch = _branch_with_late_items(demo_settings)
    username, password = browser_env.accounts["admin"]
    tiles: list[str] = []
    page.on(
        "request",
        lambda r: tiles.append(r.url) if re.search(r"cartocdn|mapbox|tile", r.url) else None,
    )
    sign_in(page, server, username, password)
    page.goto(f"{server.url}/delivery_map?branch={branch}")
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    canvas.wait_for(state="visible", timeout=60_000)
    wait_idle(page)
    page.wait_for_timeout(1500)  # deck.gl draws after the element appears
    heading = page.get_by_text(re.compile(re.escape(f"ผลงาน {branch}"))).first
    # One branch on the map: the view is centred on it. deck.gl may still be wiring its
    # picking when the canvas first shows, so a click that picks nothing is repeated.
    for _ in range(4):
        box = canvas.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        try:
            heading.wait_for(state="visible", timeout=20_000)
            break
        except PlaywrightTimeout:
            continue
    heading.wait_for(state="visible", timeout=30_000)
    wait_idle(page)
    assert f"card={branch}" in page.url
    title = page.get_by_text(
        re.compile(re.escape(th("logistics.late_list_title", count=0)[:12]))
    ).first
    count = int(title.inner_text().rsplit(":", 1)[1].strip().replace(",", ""))
    assert count >= 1
    assert tiles == []
    screenshot(page, "logistics_map_branch_scorecard")
    with page.expect_download() as caught:
        page.get_by_role("button", name=th("logistics.download_csv")).click()
    assert caught.value.suggested_filename == f"late_{branch}.csv"
    text = Path(caught.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == th("logistics.col.tracking_no")
    assert len(rows) - 1 == count
