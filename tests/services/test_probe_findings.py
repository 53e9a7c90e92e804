"""One service test per finding of the security probe (issue 7, item 5), each asserting
what a user would notice, so that reverting the fix makes it fail.

Not here: the security headers and /_stcore/metrics live in the ASGI app, not in a service
(tests/browser/test_sessions_browser.py); the lockout is tests/services/test_auth.py's.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import func, select

from dashboard import export, i18n
from dashboard.admin import audit_log, loads
from dashboard.errors import AppError, NotFound, ValidationFailed
from dashboard.identity import auth
from dashboard.identity.user import User
from dashboard.onboarding import exports, imports, sheets, store, validators, workflow
from dashboard.ui import text
from etl.load import LoadResult
from tests.integration.test_lake_busy import catalog_locked
from tests.lake_catalogs import copy_lake_files
from tests.onboarding.helpers import application_factory, new_application
from warehouse import lake as lake_mod
from warehouse import limits
from warehouse.lake import OVERRIDE_DATA_PATH_ENV, LakeBusy, connect_reader, connect_writer
from warehouse.ops_schema_onboarding import ob_application
from warehouse.settings import Settings, load_settings

BOM = b"\xef\xbb\xbf"
FORMULA = "=cmd|' /C calc'!A0"
BRANCH_HEADER = (
    "branch_code,name_th,name_en,branch_type,subdistrict_code,postal_code,lat,lon,is_active\n"
)


def _branch(code: str, name_th: str = "ไปรษณีย์ทดสอบ", branch_type: str = "post_office") -> str:
    return f"{code},{name_th},Test PO,{branch_type},999999,99999,8.1,98.3,true\n"


def _cells(data: bytes) -> list[dict[str, str]]:
    """A downloaded CSV as Excel's text import sees it: BOM dropped, one dict per row."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.fixture(scope="module")
def lake_template(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """An empty lake (its schema, no rows), migrated once for this module."""
    d = tmp_path_factory.mktemp("probe_lake") / "data"
    d.mkdir()
    template = load_settings({"POSTMART_DATA_DIR": str(d)})
    with connect_writer(template):
        pass
    return template


@pytest.fixture
def lake(
    lake_template: Settings, sqlite_ops: Settings, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """This test's own copy of the empty lake, next to its SQLite ops DB (read where the
    copy is, not where the template was built: OVERRIDE_DATA_PATH)."""
    copy_lake_files(lake_template, sqlite_ops.data_dir)
    monkeypatch.setenv(OVERRIDE_DATA_PATH_ENV, "1")
    return sqlite_ops


def _load(admin: User, name: str, body: str | bytes) -> LoadResult:
    path = loads.save_upload(admin, name, body.encode() if isinstance(body, str) else body)
    [result] = loads.run_loads(admin, [path], None)
    return result


def _count_applications() -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(ob_application)).scalar_one()


# ------------------------------------------------------------ 1. autolinks in user text

# GitHub-flavoured markdown's extended autolinks (what Streamlit's markdown renders): a
# "www." host, an http(s) URL, an e-mail address. \w never matches the word joiner (Cf).
GFM_AUTOLINKS = (
    re.compile(r"(?i)(?<![\w.])www\.[\w-]"),
    re.compile(r"(?i)https?://[\w-]"),
    re.compile(r"[\w.+-]+@[\w-]+\.[\w-]"),
)
# CommonMark: a backslash before ASCII punctuation shows the punctuation alone.
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def _as_shown(markdown: str) -> str:
    """The text a reader sees once markdown has taken its escapes away."""
    return _ESCAPED.sub(r"\1", markdown)


@pytest.mark.parametrize(
    "typed",
    [
        "www.evil.example",
        "WWW.Evil.Example/login",
        "https://evil.example/x",
        "http://evil.example",
        "a@evil.example",
        "วิสาหกิจชุมชนบ้านนา ติดต่อ www.evil.example หรือ owner@evil.example",
    ],
)
def test_user_text_never_becomes_a_link(typed: str) -> None:
    shown = _as_shown(text.escape_markdown(typed))
    linkable = [p.pattern for p in GFM_AUTOLINKS if p.search(shown)]
    assert not linkable, (typed, shown, linkable)
    # Still reads as typed: only an invisible word joiner was added.
    assert shown.replace(text.WORD_JOINER, "") == typed


def test_defused_text_is_exact_and_thai_stays_as_typed() -> None:
    wj = text.WORD_JOINER
    assert text.escape_markdown("www.evil.example") == f"www{wj}\\.evil\\.example"
    assert text.escape_markdown("https://evil.example") == f"https\\:{wj}//evil\\.example"
    assert text.escape_markdown("a@evil.example") == f"a\\@{wj}evil\\.example"
    thai = "วิสาหกิจชุมชนกลุ่มแม่บ้านเกษตรกรบ้านนาใน"
    assert text.escape_markdown(thai) == thai
    punctuated = "กลุ่มทอผ้า (บ้านนา) หมู่ 3 - ผ้าไหม #1"
    assert _as_shown(text.escape_markdown(punctuated)) == punctuated


# ------------------------------------------------------------ 2. CSV injection


def test_the_csv_writer_neutralises_formulas_and_keeps_numbers() -> None:
    df = pl.DataFrame(
        {
            "name": [
                "=1+2",
                "+66812345678",
                "-2+3",
                "@SUM(A1)",
                "\t=1",
                "\r=1",
                "x\r=1+2",  # a lone CR ends a row in Excel: it must stay inside the cell
                "ร้าน=ดี",
                "ปกติ",
            ],
            "amount_thb": [-12.5, 3.0, 0.25, -1.0, 2.0, 4.0, 5.0, 6.0, 7.0],
            "count": [-3, 1, 2, 3, 4, 5, 6, 7, 8],
        }
    )
    data = export.csv_bytes(df)
    assert data.startswith(BOM)
    rows = _cells(data)
    assert [r["name"] for r in rows] == [
        "'=1+2",
        "'+66812345678",
        "'-2+3",
        "'@SUM(A1)",
        "'\t=1",
        "'\r=1",
        "x\r=1+2",
        "ร้าน=ดี",  # not at the start: no formula, left alone
        "ปกติ",
    ]
    # Numbers stay numbers: a refund of -12.50 is not a formula.
    assert [r["amount_thb"] for r in rows][:2] == ["-12.5", "3.0"]
    assert [r["count"] for r in rows][0] == "-3"
    back = pl.read_csv(data)
    assert back["amount_thb"].dtype == pl.Float64 and back["amount_thb"][0] == -12.5
    assert back["count"].dtype == pl.Int64 and back["count"][0] == -3


def test_a_failed_sign_in_cannot_plant_a_formula_in_the_audit_export(
    sqlite_ops: Settings, admin: User
) -> None:
    typed = '=HYPERLINK("http://evil.example","x")'
    smuggled = "x\r" + FORMULA  # no quote or comma: a new row in Excel, unless quoted
    for username in (typed, smuggled):
        with pytest.raises(auth.SignInFailed):
            auth.sign_in(username, "no-such-password", session_id=None)
    rows = _cells(audit_log.export_csv(admin, action="auth.sign_in_failed"))
    assert [r["username"] for r in rows] == [  # newest first
        auth.normalize_username(smuggled),
        "'" + auth.normalize_username(typed),
    ]
    assert not [c for r in rows for c in r.values() if c.startswith(("=", "+", "@"))]


def test_decision_notes_are_text_in_the_csv_and_raw_in_the_json(
    sqlite_ops: Settings, users: dict[str, User]
) -> None:
    officer = users["pn_a"]
    since = store.now() - timedelta(minutes=1)
    make = application_factory()
    rejected = new_application(officer, make(), clean=False)
    asked = new_application(officer, make(), clean=False)
    workflow.reject(officer, rejected, "incomplete_documents", '=HYPERLINK("http://evil.example")')
    workflow.transition(officer, asked, "start_review")
    workflow.transition(officer, asked, "request_information", note="@SUM(1+1)*cmd|' /C calc'!A0")
    # What the Office page offers for download (pages/office.py decisions_export).
    frame = exports.decisions_since(officer, since).applications
    notes = {r["application_id"]: r["note"] for r in _cells(export.csv_bytes(frame))}
    assert notes[rejected] == '\'=HYPERLINK("http://evil.example")'
    assert notes[asked] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    # The files `postmart export decisions` writes for the marketplace: the same writer.
    assert exports.to_csv(frame) == export.csv_bytes(frame)
    raw = {r["application_id"]: r["note"] for r in json.loads(exports.to_json(frame))}
    assert raw[rejected] == '=HYPERLINK("http://evil.example")'
    assert raw[asked] == "@SUM(1+1)*cmd|' /C calc'!A0"


def test_a_formula_in_a_feed_file_is_text_in_the_quarantine_download(
    lake: Settings, admin: User
) -> None:
    result = _load(admin, "branches.csv", BRANCH_HEADER + _branch("T0001", branch_type=FORMULA))
    assert result.status == "loaded" and result.count_quarantined == 1, result
    assert loads.quarantine(admin, result.load_id)["value"].to_list() == [FORMULA]
    data = loads.quarantine_csv(admin, result.load_id)
    assert data.startswith(BOM)
    [row] = _cells(data)
    assert row["value"] == "'" + FORMULA
    assert "ไปรษณีย์ทดสอบ" in row["record"]  # Thai survives the BOM'd UTF-8


# ------------------------------------------------------------ 3. upload caps on sheets

SHEET_COLUMNS = (
    "seller_type",
    "name_th",
    "national_id",
    "ce_registration_code",
    "count_members",
    "phone",
    "bank_code",
    "bank_account_no",
    "subdistrict_code",
    "postal_code",
)
SHEET_HEADER = ",".join(SHEET_COLUMNS) + "\n"
_application = application_factory()


def _sheet_row(**overrides: object) -> str:
    """One line of a provincial sheet: a valid application of Phang Nga unless overridden."""
    values = _application(**overrides)
    return ",".join(str(values[c]) for c in SHEET_COLUMNS) + "\n"


def _refusal(officer: User, data: bytes) -> tuple[str, dict]:
    with pytest.raises(ValidationFailed) as caught:
        sheets.preview_spreadsheet(officer, data, "sheet.csv")
    return caught.value.key, caught.value.params


def test_a_sheet_over_the_size_cap_is_refused_whole(
    sqlite_ops: Settings, users: dict[str, User]
) -> None:
    row = _sheet_row()
    # A well-formed sheet, just too big: one row more than fits under the cap.
    rows = sheets.MAX_SHEET_MB * 1024 * 1024 // len(row.encode()) + 1
    data = (SHEET_HEADER + row * rows).encode()
    assert len(data) > sheets.MAX_SHEET_MB * 1024 * 1024
    key, params = _refusal(users["pn_a"], data)
    assert (key, params) == ("onboarding.import.file_too_large", {"max_mb": sheets.MAX_SHEET_MB})
    assert _count_applications() == 0


def test_a_sheet_over_the_row_cap_is_refused_whole(
    sqlite_ops: Settings, users: dict[str, User]
) -> None:
    rows = sheets.MAX_SHEET_ROWS + 1
    data = (SHEET_HEADER + "".join(_sheet_row() for _ in range(rows))).encode()
    assert len(data) < sheets.MAX_SHEET_MB * 1024 * 1024
    key, params = _refusal(users["pn_a"], data)
    assert key == "onboarding.import.too_many_rows"
    assert params == {"rows": rows, "max_rows": sheets.MAX_SHEET_ROWS}
    assert _count_applications() == 0


def test_many_bad_rows_are_counted_and_all_downloadable(
    sqlite_ops: Settings, users: dict[str, User]
) -> None:
    bad = 120  # more than the page lists (pages/application_import.py PROBLEMS_SHOWN = 50)
    body = "".join(_sheet_row(national_id="1234567890123") for _ in range(bad))
    preview = sheets.preview_spreadsheet(
        users["pn_a"], (SHEET_HEADER + _sheet_row() + body).encode(), "sheet.csv"
    )
    assert (len(preview.good), len(preview.bad)) == (1, bad)
    problems = preview.problems_frame()
    assert set(problems["line_no"]) == {r.line_no for r in preview.bad}
    data = export.csv_bytes(problems)
    assert data.startswith(BOM)
    assert len(_cells(data)) == problems.height >= bad
    assert _count_applications() == 0  # a preview saves nothing


# ------------------------------------------------------------ 4. text length limits

MEGABYTE_NAME = "ก" * 1_000_000


def test_a_megabyte_name_is_refused_by_the_validators() -> None:
    check = validators.check_name(MEGABYTE_NAME, None)
    assert (check.ok, check.key, check.params) == (
        False,
        "onboarding.check.name.too_long",
        {"max": limits.NAME},
    )
    assert i18n.has_key(check.key, "th") and i18n.has_key(check.key, "en")
    assert validators.check_name("ก" * limits.NAME, None).ok  # the limit itself is fine


def test_a_megabyte_name_does_not_pass_the_sheet_preview(
    sqlite_ops: Settings, users: dict[str, User]
) -> None:
    data = (SHEET_HEADER + _sheet_row() + _sheet_row(name_th=MEGABYTE_NAME)).encode()
    fine, huge = sheets.preview_spreadsheet(users["pn_a"], data, "sheet.csv").rows
    assert fine.ok, fine.problems
    assert [p.key for p in huge.problems] == ["onboarding.check.name.too_long"]


def test_a_megabyte_name_is_refused_by_the_form_and_the_edit_services(
    sqlite_ops: Settings, users: dict[str, User]
) -> None:
    officer = users["pn_a"]
    make = application_factory()
    with pytest.raises(ValidationFailed) as refused:
        imports.create_application(officer, {**make(), "name_th": MEGABYTE_NAME})
    assert (refused.value.key, refused.value.params) == (
        "onboarding.application.too_long",
        {"max": limits.NAME},
    )
    assert _count_applications() == 0
    app_id = new_application(officer, make())
    with pytest.raises(ValidationFailed):
        imports.update_application(officer, app_id, {"name_th": MEGABYTE_NAME})
    assert workflow.get(officer, app_id)["name_th"] != MEGABYTE_NAME


def test_the_etl_quarantines_an_over_long_text_and_loads_the_rest(
    lake: Settings, admin: User
) -> None:
    # 150 Thai characters are 450 bytes: under the limit, which counts characters.
    long_but_fine = "ไ" * 150
    body = (
        BRANCH_HEADER
        + _branch("T0001")
        + _branch("T0002", name_th="ก" * (limits.NAME + 1))
        + _branch("T0003", name_th=MEGABYTE_NAME)
        + _branch("T0004", name_th=long_but_fine)
    )
    result = _load(admin, "branches.csv", body)
    assert (result.status, result.count_loaded, result.count_quarantined) == ("loaded", 2, 2)
    assert result.by_reason == {"too_long": 2}
    q = loads.quarantine(admin, result.load_id)
    assert q.select("line_no", "field", "reason_code").rows() == [
        (3, "name_th", "too_long"),
        (4, "name_th", "too_long"),
    ]
    con = connect_reader(lake)
    try:
        got = con.execute("select branch_code, name_th from dim_branch order by 1").fetchall()
    finally:
        con.close()
    assert got == [("T0001", "ไปรษณีย์ทดสอบ"), ("T0004", long_but_fine)]


# ------------------------------------------------------------ 5. one answer for elsewhere


def test_another_provinces_application_answers_as_a_missing_one(
    sqlite_ops: Settings, users: dict[str, User]
) -> None:
    bangkok = new_application(users["bkk"], application_factory()("10"), clean=False)
    missing = "OF-10-0000000000"

    def answer(application_id: str) -> tuple[type, str, dict]:
        with pytest.raises(AppError) as caught:
            workflow.get(users["pn_a"], application_id)
        return type(caught.value), caught.value.key, caught.value.params

    elsewhere, nowhere = answer(bangkok), answer(missing)
    assert elsewhere == (NotFound, "onboarding.application.not_found", {"application_id": bangkok})
    assert nowhere == (NotFound, "onboarding.application.not_found", {"application_id": missing})
    # The words on screen differ only by the id the officer typed.
    said = i18n.translate(elsewhere[1], "th", **elsewhere[2])
    assert said.replace(bangkok, missing) == i18n.translate(nowhere[1], "th", **nowhere[2])
    assert workflow.get(users["bkk"], bangkok)["province_code"] == "10"  # it does exist


# ------------------------------------------------------------ 6. a busy lake on Data loads


@pytest.fixture
def short_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    # Retry for half a second, without SQLite's own one-second wait inside each attempt:
    # the same path (retries, then LakeBusy), a fraction of the time.
    monkeypatch.setattr(lake_mod, "READ_BUSY_RETRY_S", 0.5)
    monkeypatch.setattr(lake_mod, "_READER_SQLITE_BUSY_TIMEOUT_MS", 0)


@pytest.mark.usefixtures("short_retry")
def test_data_loads_under_a_locked_catalog_show_the_kind_message(
    lake: Settings, admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[AppError] = []
    monkeypatch.setattr(text, "show_error", shown.append)
    reader = connect_reader(lake)  # the app's long-lived reader, opened before the lock
    try:
        with catalog_locked(lake):
            for call in (
                lambda: loads.ledger_view(admin, lake=reader),
                lambda: loads.warehouse_tables(admin, lake=reader),
                lambda: loads.ledger_view(admin),  # a reader of its own, opened now
            ):
                with pytest.raises(LakeBusy) as caught:
                    call()
                # What the page does with it (ui.errors_shown): a kind message, no traceback.
                with text.errors_shown(stop=False):
                    raise caught.value
        assert [e.key for e in shown] == ["error.lake_busy"] * 3
        assert all(i18n.has_key("error.lake_busy", lang) for lang in ("th", "en"))
        assert loads.ledger_view(admin, lake=reader).rows.is_empty()  # fine once released
    finally:
        reader.close()


# ------------------------------------------------------------ 7. file names, never paths


def _strings(frame: pl.DataFrame) -> Iterable[str]:
    for row in frame.iter_rows():
        for value in row:
            yield from (str(v) for v in value) if isinstance(value, list) else [str(value)]


def test_data_loads_show_file_names_never_the_servers_paths(lake: Settings, admin: User) -> None:
    loaded = _load(
        admin, "branches.csv", BRANCH_HEADER + _branch("T0001") + _branch("T0002", "x", "castle")
    )
    failed = _load(admin, "branches_broken.csv", b"branch_code\x00\x00\x00garbage")
    assert (loaded.status, failed.status) == ("loaded", "failed")
    assert Path(loaded.file).is_absolute()  # what the ETL knows: the server's path

    server_paths = {str(lake.data_dir), str(lake.inbox_dir.resolve())}
    results = loads.results_frame([loaded, failed])
    assert results["file"].to_list() == ["branches.csv", "branches_broken.csv"]
    ledger = loads.ledger_view(admin).rows
    assert ledger["file_name"].to_list() == ["branches.csv"]
    quarantine = loads.quarantine(admin, loaded.load_id)
    assert quarantine["file_name"].to_list() == ["branches.csv"]
    for name, frame in (("results", results), ("ledger", ledger), ("quarantine", quarantine)):
        leaks = [s for s in _strings(frame) if any(p in s for p in server_paths)]
        assert not leaks, (name, leaks)
