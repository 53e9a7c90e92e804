"""What the security probe found (issue 7, item 5), where it shows in Chromium: a seller's
name or an officer's note holding bare URLs stays text (no link in the page); the Data
loads results and quarantine name the uploaded file, never a server path, and the
quarantine download is the one CSV writer's (BOM, formulas neutralised); a provincial sheet
over the row cap is refused with its message before any preview is drawn. Screenshots go
to test-artifacts/screenshots/.

They run on the session's server. The Data loads test writes to the session's demo lake:
one file of the applications feed whose only row is bad, so no table gains a row — only
the ledger and the quarantine, which no other test counts.
"""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import pytest

from dashboard import i18n
from dashboard.export import BOM
from dashboard.identity import auth
from dashboard.onboarding import duplicates, imports, sheets
from dashboard.ui.text import WORD_JOINER
from tests.app.helpers import seed_application
from tests.browser.helpers import ROOT, BrowserEnv, Server, screenshot, seeding
from tests.browser.test_browser import sign_in, wait_idle
from tests.onboarding.helpers import make_pin

pytestmark = pytest.mark.browser

OFFICER = "demo.officer"  # Chiang Mai (50)
EVIL_WWW = "www.evil.example"
EVIL_URL = "https://evil.example/login"
EVIL_NAME = f"กลุ่มทอผ้า {EVIL_WWW} สมัครที่ {EVIL_URL}"
EVIL_NOTE = f"ตรวจแล้วที่ {EVIL_URL} และ {EVIL_WWW}"
LINKS_TO_EVIL = 'a[href*="evil.example"]'
# No comma or space: the ETL strips those from a count before it quarantines the value.
FORMULA = '=HYPERLINK("https://evil.example/login")'


def th(key: str, **params: object) -> str:
    return i18n.translate(key, "th", **params)


def shown(text: str) -> str:
    """Text as a reader sees it: the invisible word joiners that defuse autolinks removed."""
    return text.replace(WORD_JOINER, "")


# ------------------------------------------------------------------------ autolinks


@pytest.fixture(scope="module")
def evil_pair(browser_env: BrowserEnv, server: Server) -> tuple[str, str]:
    """Two Chiang Mai applications named with bare URLs and sharing a national ID, so each
    carries a duplicate flag; both flags resolved "distinct" with a note holding URLs too
    (the flag box's user text), which also keeps the queue's count of open flags as the
    onboarding tests expect it."""
    with seeding(browser_env):
        officer = auth.sign_in(OFFICER, browser_env.passwords[OFFICER], session_id="seed")
        shared = make_pin("310000097770")
        ids = [
            imports.create_application(
                officer,
                seed_application(
                    "50", n, national_id=shared, name_th=EVIL_NAME, name_en=f"Weavers {EVIL_WWW}"
                ),
            )["application_id"]
            for n in (9771, 9772)
        ]
        for app_id in ids:
            for flag in duplicates.flags_for(officer, app_id).iter_rows(named=True):
                if flag["status"] == "open":
                    duplicates.resolve(officer, int(flag["flag_id"]), "distinct", EVIL_NOTE)
    return ids[0], ids[1]


def test_bare_urls_in_user_text_never_become_links(
    browser_env: BrowserEnv, server: Server, evil_pair: tuple[str, str], page
) -> None:
    app_id, twin = evil_pair
    sign_in(
        page, server, OFFICER, browser_env.passwords[OFFICER], path=f"applications?app={app_id}"
    )
    heading = page.get_by_role("heading").filter(has_text=app_id)
    heading.wait_for(state="visible")
    page.get_by_text(th("applications.flags"), exact=True).wait_for(state="visible")
    wait_idle(page)
    # The name shows as typed, in the heading…
    assert shown(heading.inner_text()) == th("applications.detail_title", id=app_id, name=EVIL_NAME)
    # …and the flag box names the twin, with the officer's note as typed.
    flag_line = page.locator('[data-testid="stMarkdownContainer"]', has_text=twin)
    assert flag_line.count() >= 1
    assert th("applications.flag_status.distinct") in flag_line.first.inner_text()
    note = page.get_by_text(th("applications.flag_note", note="").strip(), exact=False)
    assert shown(note.first.inner_text()) == th("applications.flag_note", note=EVIL_NOTE)
    body = shown(page.inner_text("body"))
    assert EVIL_WWW in body and EVIL_URL in body
    # Nothing of it is a link: not in the heading, the flag box, the fields, anywhere.
    assert page.locator(LINKS_TO_EVIL).count() == 0
    assert page.locator("a", has_text="evil").count() == 0
    screenshot(page, "60-probe-bare-urls-stay-text")


# ------------------------------------------------------------------------ Data loads


def bad_applications_csv() -> bytes:
    """The documented example's header and second row (UTF-8), made one bad row: a fresh
    id, and a formula for its member count (not an integer)."""
    example = (ROOT / "docs" / "examples" / "applications.csv").read_bytes().decode("cp874")
    lines = list(csv.reader(io.StringIO(example)))
    header, row = lines[0], lines[2]
    values = dict(zip(header, row, strict=True))
    values["application_id"] = f"PROBE-{uuid.uuid4().hex[:10].upper()}"
    values["count_members"] = FORMULA
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, [values[c] for c in header]])
    return out.getvalue().encode("utf-8")


def test_quarantine_names_the_file_and_downloads_neutralised(
    browser_env: BrowserEnv, server: Server, page
) -> None:
    username, password = server.accounts["admin"]
    sign_in(page, server, username, password, path="data_loads")
    page.get_by_role("heading", name=th("nav.data_loads")).wait_for(state="visible")
    wait_idle(page)
    name = f"probe-applications-{uuid.uuid4().hex[:8]}.csv"
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": bad_applications_csv()}]
    )
    run = page.get_by_role("button", name=th("loads.run"), exact=True)
    run.and_(page.locator(":enabled")).wait_for(state="visible")
    wait_idle(page)
    run.click()
    quarantined = page.get_by_text(th("loads.quarantined_in", file=name), exact=True)
    quarantined.wait_for(state="visible", timeout=60_000)
    download = page.get_by_role("button", name=th("loads.download_quarantine"), exact=True)
    download.wait_for(state="visible")
    wait_idle(page)
    screenshot(page, "61-probe-quarantine-file-name")

    # The page names the file; no server folder shows, in the text or the tables' cells.
    data_dir = browser_env.env["POSTMART_DATA_DIR"]
    for text in (page.inner_text("body"), page.locator("body").text_content() or ""):
        assert name in text
        for server_path in ("/tmp/", data_dir, str(Path(data_dir).resolve()), "inbox/uploads"):
            assert server_path not in text, server_path

    with page.expect_download() as info:
        download.click()
    data = Path(info.value.path()).read_bytes()
    assert data.startswith(BOM.encode("utf-8"))
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8").removeprefix(BOM))))
    bad = [r for r in rows if r["field"] == "count_members"]
    assert len(bad) == 1
    assert bad[0]["value"] == "'" + FORMULA  # text to Excel, not a formula
    assert bad[0]["file_name"] == name
    assert not any(cell.startswith("=") for r in rows for cell in r.values())


# ------------------------------------------------------------------------ sheet row cap


def sheet_rows(count: int) -> bytes:
    """A provincial sheet of ``count`` Chiang Mai rows (the required columns only)."""
    lines = ["seller_type,name_th,national_id,subdistrict_code,postal_code"]
    lines += [
        f"community_enterprise,กลุ่มทดสอบ {i},{make_pin(f'3200{i:08d}')},500101,50200"
        for i in range(count)
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def upload(page, path: Path) -> None:
    """Put ``path`` in the page's one file uploader and wait for the rerun it starts (a
    click during that rerun is lost)."""
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    page.locator('[data-testid="stFileUploader"]').get_by_text(path.name).wait_for()
    wait_idle(page)


def test_sheet_over_the_row_cap_is_refused_before_any_preview(
    browser_env: BrowserEnv, server: Server, page, tmp_path: Path
) -> None:
    rows = sheets.MAX_SHEET_ROWS + 1
    big = tmp_path / "cm-big-sheet.csv"
    big.write_bytes(sheet_rows(rows))
    sign_in(page, server, OFFICER, browser_env.passwords[OFFICER], path="application_import")
    page.get_by_role("heading", name=th("nav.application_import")).wait_for(state="visible")
    wait_idle(page)
    preview = page.get_by_role("button", name=th("import.preview"), exact=True)
    upload(page, big)
    preview.click()
    refusal = page.locator('[data-testid="stAlertContentError"]')
    refusal.wait_for(state="visible", timeout=60_000)
    wait_idle(page)
    expected = th("onboarding.import.too_many_rows", rows=rows, max_rows=sheets.MAX_SHEET_ROWS)
    assert expected in refusal.inner_text()
    # Refused whole: no preview title, no problem lines, no table of its rows.
    body = page.inner_text("body")
    assert th("import.good_rows") not in body and th("import.bad_rows") not in body
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    assert page.locator('[data-testid="stMarkdownContainer"]').count() < 100
    screenshot(page, "62-probe-sheet-too-many-rows")

    # The tab still answers: a small sheet in its place is previewed (its rows lack the
    # columns a community enterprise needs: two bad rows, and their problems listed).
    small = tmp_path / "cm-small-sheet.csv"
    small.write_bytes(sheet_rows(2))
    upload(page, small)
    preview.click()
    page.get_by_text(th("import.preview_title", file=small.name)).wait_for(state="visible")
    page.get_by_text(th("import.summary", good=0, bad=2)).wait_for(state="visible")
    wait_idle(page)
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
