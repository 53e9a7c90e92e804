"""A Phang Nga officer imports the office's own sheet in Chromium: Windows-874, Thai
headers (one the dictionary does not know), places by name, banks and seller types in
words, BE dates with Thai digits. The mapping step asks about that one column; the
preview lists each bad row's reason in Thai naming the file's column; the good rows are
imported and wait in the queue with the right subdistrict."""

from __future__ import annotations

import pytest

from dashboard import i18n
from dashboard.identity import auth
from dashboard.onboarding import queue, workflow
from tests.browser.helpers import BrowserEnv, Server, screenshot, seeding
from tests.browser.test_browser import sign_in, wait_idle
from tests.browser.test_onboarding_browser import choose, open_page, see
from tests.sheets.helpers import HEADER, csv_bytes, phangnga_rows

pytestmark = pytest.mark.browser

UNKNOWN = "ชื่อวิสาหกิจ/กลุ่ม"


def th(key: str, **params: object) -> str:
    return i18n.translate(key, "th", **params)


def sheet() -> bytes:
    """The office's sheet, its name column headed in a way the dictionary does not know."""
    header = [UNKNOWN, *[h for h in HEADER if h != "ชื่อกลุ่ม"]]
    rows = [
        {**r, UNKNOWN: f"วิสาหกิจชุมชนบ้านบ่อแสน เบราว์เซอร์ {n}"} for n, r in enumerate(phangnga_rows())
    ]
    return csv_bytes(rows, header)


def test_phangnga_officer_maps_one_column_and_imports_the_good_rows(
    browser_env: BrowserEnv, server: Server, page
) -> None:
    password = browser_env.passwords["demo.phangnga"]
    sign_in(page, server, "demo.phangnga", password)
    open_page(page, "application_import")
    data = sheet()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": "กลุ่มพังงา.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.locator('[data-testid="stFileUploader"]').get_by_text("กลุ่มพังงา.csv").wait_for()
    wait_idle(page)
    page.get_by_role("button", name=th("import.preview"), exact=True).click()
    see(page, th("sheets.mapping.title", file="กลุ่มพังงา.csv"))
    wait_idle(page)
    body = page.inner_text("body")
    assert th("sheets.mapping.unknown") in body
    screenshot(page, "70-sheets-mapping-step")

    label = th("sheets.mapping.column", letter="A", header=UNKNOWN)
    choose(page, label, th("sheets.mapping.required_mark", label=th("sheets.field.name_th")))
    wait_idle(page)
    page.get_by_role("button", name=th("sheets.mapping.check_rows"), exact=True).click()
    see(page, th("import.summary", good=3, bad=5))
    wait_idle(page)
    body = page.inner_text("body")
    assert "แถวที่ 5 คอลัมน์ H «ตำบล»: รหัสไปรษณีย์ 82000 ไม่ใช่ของ" in body
    assert "แถวที่ 8 คอลัมน์ M «ธนาคาร»: ไม่รู้จักธนาคาร" in body
    assert "ตรงกับหลายตำบล" in body  # line 7: ตลาด, with its candidates
    for internal in ("provincial_sheet", "subdistrict_code", "bank_code", "missing column"):
        assert internal not in body
    screenshot(page, "71-sheets-preview")

    page.get_by_role("button", name=th("import.confirm", count=3), exact=True).click()
    see(page, th("import.done", count=3))
    wait_idle(page)
    screenshot(page, "72-sheets-imported")

    with seeding(browser_env):
        officer = auth.sign_in("demo.phangnga", password, session_id="check")
        mine = queue.queue(officer)
        imported = mine.filter(mine["name_th"].str.contains("เบราว์เซอร์"))
        subs = sorted(
            workflow.get(officer, a)["subdistrict_code"] for a in imported["application_id"]
        )
    assert subs == ["820101", "820703", "820703"]
