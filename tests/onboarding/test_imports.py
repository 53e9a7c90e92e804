"""Applications arriving by spreadsheet (preview, then only confirmed good rows), from the
marketplace feed through the lake (idempotent), and entered by an officer."""

from __future__ import annotations

import io
from datetime import datetime

import polars as pl
import pytest
from sqlalchemy import func, select

from dashboard.errors import NotFound, PermissionDenied
from dashboard.onboarding import imports, queue, sheets, workflow
from warehouse import ops
from warehouse.ops_schema_onboarding import ob_application

from .helpers import address, make_pin
from .lake import write_lake

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
HEADER = [
    "seller_type",
    "name_th",
    "national_id",
    "ce_registration_code",
    "count_members",
    "phone",
    "bank_code",
    "bank_account_no",
    "province_code",
    "district_code",
    "subdistrict_code",
    "postal_code",
    "submitted_at",
]


def _row(n: int, **over: str) -> dict[str, str]:
    pid = make_pin(f"1{n:011d}")
    addr = address("82")
    row = {
        "seller_type": "community_enterprise",
        "name_th": f"กลุ่มแม่บ้านบ้านท่าดินแดง {n}",
        # Dashed, as people write it.
        "national_id": f"{pid[0]}-{pid[1:5]}-{pid[5:10]}-{pid[10:12]}-{pid[12]}",
        "ce_registration_code": f"4-82-01-01/1-{n:04d}",
        "count_members": "15",
        "phone": f"08{n:08d}",
        "bank_code": "034",
        "bank_account_no": f"{n:012d}",
        **addr,
        # Buddhist era, day first: 15 March 2568 = 2025-03-15.
        "submitted_at": "15/03/2568",
    }
    row.update(over)
    return row


def _csv(rows: list[dict[str, str]], encoding: str, bom: bool = False) -> bytes:
    lines = [",".join(HEADER)] + [",".join(r[h] for h in HEADER) for r in rows]
    text = "\r\n".join(lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def _count() -> int:
    with ops.read(ops.engine()) as conn:
        return conn.execute(select(func.count()).select_from(ob_application)).scalar_one()


def _sheet_rows() -> list[dict[str, str]]:
    good_thai_digits = _row(2)
    good_thai_digits["phone"] = good_thai_digits["phone"].translate(THAI)
    good_thai_digits["submitted_at"] = "๑/๑๒/๒๕๖๗"  # 1 Dec 2567 BE in Thai digits
    return [
        _row(1),  # line 2: good
        good_thai_digits,  # line 3: good
        _row(3, national_id="1-2345-67890-12-0"),  # line 4: bad check digit
        _row(4, count_members="5"),  # line 5: too few members
        _row(5, postal_code="10200"),  # line 6: postal code of another place
        _row(6, bank_code="030", bank_account_no="1234567890"),  # line 7: GSB needs 12
        _row(7, **address("10")),  # line 8: Bangkok, not this officer's province
        _row(8, submitted_at="31/02/2568"),  # line 9: no such day
    ]


@pytest.mark.parametrize(("encoding", "bom"), [("cp874", False), ("utf-8", True), ("utf-8", False)])
def test_csv_preview_lists_every_bad_row_and_saves_nothing(sqlite_db, users, encoding, bom) -> None:
    data = _csv(_sheet_rows(), encoding, bom)
    preview = sheets.preview_spreadsheet(users["pn_a"], data, "ท่าดินแดง.csv")
    assert _count() == 0  # nothing saved by a preview

    assert [r.line_no for r in preview.good] == [2, 3]
    problems = {r.line_no: [p.key for p in r.problems] for r in preview.bad}
    assert problems == {
        4: ["onboarding.check.national_id.checksum"],
        5: ["onboarding.check.members.too_few"],
        6: ["onboarding.check.address.postal_code_mismatch"],
        7: ["onboarding.check.bank_account.length"],
        8: ["sheets.check.province_not_in_scope"],
        9: ["onboarding.check.submitted_at.unreadable"],
    }
    # Thai text survived the encoding; BE dates became CE.
    good = {r.line_no: r.values for r in preview.good}
    assert good[2]["name_th"] == "กลุ่มแม่บ้านบ้านท่าดินแดง 1"
    assert good[2]["submitted_at"] == datetime(2025, 3, 15)
    assert good[3]["submitted_at"] == datetime(2024, 12, 1)
    assert good[3]["phone"] == "0800000002"
    assert good[2]["national_id"].isdigit()


def test_confirm_imports_only_the_confirmed_good_rows(sqlite_db, users) -> None:
    officer = users["pn_a"]
    preview = sheets.preview_spreadsheet(officer, _csv(_sheet_rows(), "cp874"), "sheet.csv")
    # The officer ticks line 2 and, by mistake, bad line 4; leaves good line 3 out.
    result = sheets.confirm_import(officer, preview, [2, 4])
    assert len(result.created) == 1
    assert result.skipped == {4: "onboarding.check.national_id.checksum"}
    assert _count() == 1
    app = workflow.get(officer, result.created[0])
    assert (app["source"], app["entered_by_name"], app["submitted_at"]) == (
        "spreadsheet",
        "pn_officer_a",
        datetime(2025, 3, 15),
    )
    # Importing the same sheet again: line 2 is recognised, not doubled.
    again = sheets.preview_spreadsheet(officer, _csv(_sheet_rows(), "cp874"), "sheet.csv")
    assert [p.key for p in next(r for r in again.rows if r.line_no == 2).problems] == [
        "onboarding.import.already_imported"
    ]
    assert [r.line_no for r in again.good] == [3]


def test_xlsx_sheet(sqlite_db, users) -> None:
    rows = _sheet_rows()[:3]
    buf = io.BytesIO()
    pl.DataFrame(rows).write_excel(buf)
    preview = sheets.preview_spreadsheet(users["pn_a"], buf.getvalue(), "sheet.xlsx")
    assert [r.line_no for r in preview.good] == [2, 3]
    assert [r.line_no for r in preview.bad] == [4]


def test_sheet_missing_a_required_column_is_refused_whole(sqlite_db, users) -> None:
    from dashboard.errors import ValidationFailed

    data = "name_th,phone\r\nก,0812345678\r\n".encode()
    # The page shows the mapping step for it; checking its rows as it is is refused.
    assert sheets.inspect_sheet(users["pn_a"], data, "x.csv").needs_mapping
    with pytest.raises(ValidationFailed) as exc:
        sheets.preview_spreadsheet(users["pn_a"], data, "x.csv")
    assert exc.value.key == "sheets.mapping.missing_required"


def test_ministry_cannot_import(sqlite_db, users) -> None:
    with pytest.raises(PermissionDenied):
        sheets.preview_spreadsheet(users["ministry"], _csv(_sheet_rows(), "cp874"), "x.csv")


def test_officer_entered_application_is_attributed(sqlite_db, users, app_data) -> None:
    app = imports.create_application(users["pn_a"], app_data())
    assert (app["source"], app["entered_by_name"], app["status"]) == (
        "officer",
        "pn_officer_a",
        "submitted",
    )
    with pytest.raises(PermissionDenied):
        imports.create_application(users["pn_a"], app_data("10"))


def test_feed_import_is_idempotent_and_takes_resubmissions(sqlite_db, users, app_data) -> None:
    from dashboard.identity import authz

    base = app_data("82")
    feed = [
        {
            **base,
            "application_id": "APP-1",
            "status": "submitted",
            "submitted_at": datetime(2025, 5, 1, 9),
            "updated_at": datetime(2025, 5, 1, 9),
        },
        {
            **app_data("82"),
            "application_id": "APP-2",
            "status": "approved",
            "submitted_at": datetime(2025, 4, 1, 9),
            "decided_at": datetime(2025, 4, 3, 9),
            "seller_id": "S-2",
            "updated_at": datetime(2025, 4, 3, 9),
        },
    ]
    for r in feed:
        r["count_members"] = int(r["count_members"])
    write_lake(seller_application=feed)
    first = imports.import_from_lake(authz.CLI_ACTOR)
    assert (first.inserted, first.resubmitted) == (2, 0)
    second = imports.import_from_lake(authz.CLI_ACTOR)
    assert (second.inserted, second.resubmitted, second.unchanged) == (0, 0, 2)
    assert _count() == 2
    with pytest.raises(PermissionDenied):
        imports.import_from_lake(users["pn_a"])

    officer = users["pn_a"]
    workflow.transition(officer, "APP-1", "start_review")
    workflow.transition(officer, "APP-1", "request_information", note="ขอเบอร์โทรใหม่")
    write_lake(
        seller_application=[
            {
                **feed[0],
                "phone": "0899999999",
                "status": "resubmitted",
                "updated_at": datetime(2025, 5, 9, 9),
            }
        ]
    )
    third = imports.import_from_lake(authz.CLI_ACTOR)
    assert third.resubmitted == 1
    app = workflow.get(officer, "APP-1")
    assert (app["status"], app["phone"]) == ("resubmitted", "0899999999")
    assert imports.import_from_lake(authz.CLI_ACTOR).resubmitted == 0
    in_queue = queue.queue(officer)["application_id"].to_list()
    assert in_queue == ["APP-1"]  # APP-2 was already decided upstream


def test_cli_import_feed(sqlite_db, app_data, capsys) -> None:
    from dashboard.cli import main as postmart

    row = {
        **app_data("82"),
        "application_id": "APP-9",
        "status": "submitted",
        "submitted_at": datetime(2025, 5, 1, 9),
        "updated_at": datetime(2025, 5, 1, 9),
    }
    write_lake(seller_application=[row])
    assert postmart(["onboarding", "import-feed"]) == 0
    assert "applications: 1 new" in capsys.readouterr().out
    assert postmart(["onboarding", "import-feed"]) == 0
    assert "applications: 0 new, 0 resubmitted, 1 unchanged" in capsys.readouterr().out


def test_officer_corrects_an_application_and_checks_rerun(sqlite_db, users, app_data) -> None:
    from dashboard.errors import Conflict

    officer = users["pn_a"]
    app = imports.create_application(officer, app_data(phone="02-123-4567"))
    assert app["count_check_errors"] == 1  # a landline, not a mobile
    fixed = imports.update_application(
        officer, app["application_id"], {"phone": "๐๘๑-๒๓๔-๕๖๗๘"}, expected_version=app["version"]
    )
    assert (fixed["phone"], fixed["count_check_errors"]) == ("0812345678", 0)
    with pytest.raises(Conflict):  # a second screen still showing the old version
        imports.update_application(
            officer, app["application_id"], {"name_th": "x"}, expected_version=app["version"]
        )
    with pytest.raises(NotFound):  # another province's application: as if there were none
        imports.update_application(users["bkk"], app["application_id"], {"name_th": "x"})
