"""Programme impact in Chromium: the ministry builds a briefing of the North, downloads
its XLSX and PDF, and reopens it by its link to the same figures, re-verified. Screenshots
go to test-artifacts/screenshots/. Writes only the session's ops DB (a briefing row)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dashboard import i18n
from dashboard.impact import briefing_xlsx
from tests.browser.helpers import Server, screenshot
from tests.browser.test_browser import sign_in, wait_idle

pytestmark = pytest.mark.browser
NAME = "สรุปภาคเหนือ ทดสอบเบราว์เซอร์"


def th(key: str, **params: object) -> str:
    return i18n.translate(key, "th", **params)


def _figures(page) -> list[str]:
    return page.locator('[data-testid="stMetricValue"]').all_inner_texts()


def _download(page, label_key: str) -> bytes:
    button = page.get_by_role("button", name=th(label_key))
    button.wait_for(state="visible", timeout=120_000)
    with page.expect_download(timeout=120_000) as info:
        button.click()
    return Path(info.value.path()).read_bytes()


def test_build_download_and_reopen_a_briefing(server: Server, page) -> None:
    username, password = server.accounts["ministry"]
    sign_in(page, server, username, password, path="impact?region=north")
    page.get_by_role("heading", name=th("nav.impact")).wait_for(state="visible")
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for(state="visible", timeout=60_000)
    wait_idle(page)
    screenshot(page, "80-impact-north")
    shown = _figures(page)
    assert len(shown) == 12 + 3  # the KPIs, and the digital centres' estimate
    # The digital centres: the estimate, its interval, the sellers compared, the caveat.
    page.get_by_text(th("impact.centres.caveat")).wait_for(state="visible", timeout=60_000)
    page.get_by_text(th("impact.centres.caveat")).scroll_into_view_if_needed()
    screenshot(page, "80b-impact-digital-centres")

    page.get_by_text(th("impact.briefing.title")).click()
    name = page.get_by_label(th("impact.briefing.name"))
    name.fill(NAME)
    page.get_by_role("button", name=th("impact.briefing.pin")).click()
    page.get_by_text(NAME, exact=False).first.wait_for(state="visible", timeout=60_000)
    page.wait_for_url("**briefing=*", timeout=60_000)
    link = page.url
    wait_idle(page)
    screenshot(page, "81-impact-briefing-pinned")

    xlsx = _download(page, "impact.briefing.download_xlsx")
    assert load_workbook(io.BytesIO(xlsx)).sheetnames == list(briefing_xlsx.SHEETS)
    pdf = _download(page, "impact.briefing.download_pdf")
    assert pdf.startswith(b"%PDF")

    # Reopened by its link: the same figures, pinned to the same snapshot; re-verified.
    page.goto("about:blank")
    page.goto(link)
    page.get_by_text(NAME, exact=False).first.wait_for(state="visible", timeout=60_000)
    page.locator('[data-testid="stMetricValue"]').first.wait_for(state="visible")
    wait_idle(page)
    assert _figures(page) == shown
    wait_idle(page)
    page.get_by_role("button", name=th("impact.briefing.reverify")).click()
    unchanged = th("impact.briefing.unchanged", n="N").split("N")[-1].strip()  # "…ตรึงไว้"
    alert = page.locator('[data-testid="stAlertContentSuccess"]', has_text=unchanged)
    alert.wait_for(state="visible", timeout=120_000)
    screenshot(page, "82-impact-briefing-reverified")
