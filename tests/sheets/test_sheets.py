"""A Phang Nga office's own sheet: Thai headers, Windows-874, places by name, banks and
types in words; the mapping step for headers nobody knows, remembered for the office's next
file; refusals in the user's language; the template round trip."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import select

from dashboard import i18n
from dashboard.errors import ValidationFailed
from dashboard.onboarding import sheet_template, sheets, workflow
from dashboard.onboarding.sheet_columns import localized
from warehouse import ops
from warehouse.ops_schema_onboarding import ob_application

from .helpers import HEADER, csv_bytes, phangnga_rows, row


def _problems(preview: sheets.ImportPreview, lang: str = "th") -> dict[int, list[str]]:
    return {
        r.line_no: [i18n.translate(p.key, lang, **localized(p.params, lang)) for p in r.problems]
        for r in preview.bad
    }


def test_windows_874_thai_sheet_names_each_bad_rows_reason(ops_settings, users) -> None:
    data = csv_bytes(phangnga_rows())
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really Windows-874
    preview = sheets.preview_spreadsheet(users["pn_a"], data, "กลุ่มพังงา.csv")
    assert [r.line_no for r in preview.good] == [2, 3, 4]
    good = {r.line_no: r.values for r in preview.good}
    assert good[2]["subdistrict_code"] == "820703"  # ต.บ่อแสน อ.ทับปุด
    assert good[3]["subdistrict_code"] == "820101"  # ท้ายช้าง อ.เมือง(พังงา)
    assert good[4]["subdistrict_code"] == "820703"  # Bo Saen, Thap Put
    assert (good[2]["bank_code"], good[3]["bank_code"], good[4]["bank_code"]) == (
        "034",
        "030",
        "006",
    )
    assert [good[n]["seller_type"] for n in (2, 3, 4)] == [
        "community_enterprise",
        "housewife_group",
        "otop_producer",
    ]
    assert good[2]["address_line"] == "1/1 หมู่ 4"
    assert good[2]["phone"] == "0800000001"
    assert good[3]["submitted_at"].date().isoformat() == "2025-03-01"

    keys = {r.line_no: [p.key for p in r.problems] for r in preview.bad}
    assert keys == {
        5: ["sheets.place.postal_code"],
        6: ["sheets.place.unknown"],
        7: ["sheets.place.ambiguous"],
        8: ["sheets.check.bank_unknown"],
        9: ["onboarding.check.national_id.checksum"],
    }
    th = _problems(preview)
    # Each reason names the file's own column, in Thai, with the candidates.
    assert "ต.บ่อแสน อ.ทับปุด จ.พังงา 82180" in th[5][0]
    assert "ต.บ่อแสน อ.ทับปุด จ.พังงา 82180" in th[6][0]  # บ่อแสนน: the closest name
    assert "ต.ตลาด อ.เมืองสุราษฎร์ธานี" in th[7][0]
    assert "ธนาคารดาวอังคาร" in th[8][0]
    en = _problems(preview, "en")
    assert en[5][0].startswith("Postal code 82000 is not that of")
    assert "Bo Saen, Thap Put, Phang-nga 82180" in en[5][0]  # candidates in English
    columns = {r.line_no: r.problems[0].params.get("column") for r in preview.bad}
    assert columns == {5: "ตำบล", 6: "ตำบล", 7: "ตำบล", 8: "ธนาคาร", 9: "เลขประจำตัวประชาชน"}
    # No internal feed or field name in any message, in either language.
    for lang in ("th", "en"):
        text = " ".join(m for ms in _problems(preview, lang).values() for m in ms)
        for internal in ("provincial_sheet", "subdistrict_code", "bank_code", "national_id"):
            assert internal not in text


def test_good_rows_import_with_their_subdistrict(ops_settings, users) -> None:
    officer = users["pn_a"]
    preview = sheets.preview_spreadsheet(officer, csv_bytes(phangnga_rows()), "sheet.csv")
    # The officer ticks line 5 too (a postal code of another place): not saved, and why.
    result = sheets.confirm_import(officer, preview, [2, 3, 4, 5])
    assert len(result.created) == 3 and result.skipped == {5: "sheets.place.postal_code"}
    why = result.reasons[5]
    assert "82180" in i18n.translate(why.key, "th", **localized(why.params, "th"))
    apps = {a: workflow.get(officer, a) for a in result.created}
    assert sorted(a["subdistrict_code"] for a in apps.values()) == ["820101", "820703", "820703"]
    assert {a["address_line"] for a in apps.values()} == {"1/1 หมู่ 4", "2/1 หมู่ 4", "3/1 หมู่ 4"}
    assert all(a["province_code"] == "82" for a in apps.values())


def test_another_provinces_row_is_named_by_its_province(ops_settings, users) -> None:
    other = row(9, **{"ตำบล": "ตลาด", "อำเภอ": "เมือง", "จังหวัด": "สุราษฎร์ธานี"})
    other["รหัสไปรษณีย์"] = "84000"
    preview = sheets.preview_spreadsheet(users["pn_a"], csv_bytes([other]), "x.csv")
    assert _problems(preview) == {2: ["จังหวัดสุราษฎร์ธานีไม่อยู่ในความรับผิดชอบของคุณ"]}
    assert preview.bad[0].problems[0].params["column"] == "จังหวัด"


UNKNOWN_HEADER = ["กลุ่ม", "บัตร ปชช.", *HEADER[0:1], *HEADER[3:]]


def _unknown_header_sheet() -> bytes:
    rows = [
        {**r, "กลุ่ม": r["ชื่อกลุ่ม"], "บัตร ปชช.": r["เลขประจำตัวประชาชน"]} for r in phangnga_rows()[:2]
    ]
    return csv_bytes(rows, UNKNOWN_HEADER)


def test_unknown_headers_need_the_mapping_step_and_it_is_remembered(ops_settings, users) -> None:
    officer, colleague = users["pn_a"], users["pn_b"]
    data = _unknown_header_sheet()
    layout = sheets.inspect_sheet(officer, data, "office.csv")
    assert layout.needs_mapping
    proposed = {c.header: c.field for c in layout.columns}
    assert proposed["กลุ่ม"] is None and proposed["บัตร ปชช."] is None
    assert proposed["ตำบล"] == "subdistrict_code"
    # Without a mapping the required fields are missing: refused, naming them in words.
    with pytest.raises(ValidationFailed) as refused:
        sheets.preview_spreadsheet(officer, data, "office.csv")
    message = i18n.translate(refused.value.key, "th", **localized(refused.value.params, "th"))
    assert "ชื่อกลุ่ม/ผู้ขาย (ไทย)" in message and "เลขประจำตัวประชาชน" in message

    mapping = {c.name: c.field for c in layout.columns}
    by_header = {c.header: c.name for c in layout.columns}
    mapping[by_header["กลุ่ม"]] = "name_th"
    mapping[by_header["บัตร ปชช."]] = "national_id"
    preview = sheets.preview_spreadsheet(officer, data, "office.csv", mapping, remember=True)
    assert [r.line_no for r in preview.good] == [2, 3]

    # The office's next file (another officer of the same office): offered, not asked.
    again = sheets.inspect_sheet(colleague, data, "office-2.csv")
    offered = {c.header: (c.field, c.source) for c in again.columns}
    assert offered["กลุ่ม"] == ("name_th", "remembered")
    assert offered["บัตร ปชช."] == ("national_id", "remembered")
    assert again.remembered
    # And the proposed mapping checks the rows as confirmed last time.
    assert [r.line_no for r in sheets.preview_spreadsheet(colleague, data, "x.csv").good] == [2, 3]
    # Another office (Bangkok) has not chosen anything.
    assert not sheets.inspect_sheet(users["bkk"], data, "x.csv").remembered


def test_a_field_chosen_twice_is_refused(ops_settings, users) -> None:
    data = _unknown_header_sheet()
    layout = sheets.inspect_sheet(users["pn_a"], data, "office.csv")
    mapping = {c.name: c.field for c in layout.columns}
    names = [c.name for c in layout.columns]
    mapping[names[0]] = "name_th"
    mapping[names[1]] = "name_th"
    with pytest.raises(ValidationFailed) as refused:
        sheets.preview_spreadsheet(users["pn_a"], data, "office.csv", mapping)
    assert refused.value.key == "sheets.mapping.twice"


@pytest.mark.parametrize(
    ("data", "name", "key"),
    [
        (b"", "x.csv", "sheets.file.empty"),
        (b"\x00\x01\x02binary", "x.csv", "sheets.file.binary"),
        (b"not a zip", "x.xlsx", "sheets.file.not_xlsx"),
        ("ชื่อ,ตำบล\r\nก,ข\r\n".encode("utf-16"), "x.csv", "sheets.file.binary"),
        (b"a,b\r\n1,2\r\n", "x.txt", "onboarding.import.unsupported_format"),
    ],
)
def test_refusals_are_in_the_users_words(sqlite_db, users, data, name, key) -> None:
    with pytest.raises(ValidationFailed) as refused:
        sheets.inspect_sheet(users["pn_a"], data, name)
    assert refused.value.key == key
    for lang in ("th", "en"):
        text = i18n.translate(refused.value.key, lang, **localized(refused.value.params, lang))
        assert "provincial_sheet" not in text and "missing column" not in text


def test_template_round_trip(ops_settings, users) -> None:
    officer = users["pn_a"]
    data = sheet_template.template_xlsx(officer, "th")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers[:2] == ["ประเภทผู้ขาย *", "ชื่อกลุ่ม *"]
    assert [c.value for c in ws[2]][:2] == ["Seller type", "Group name"]
    lists = {
        str(dv.sqref).split(":")[0].rstrip("0123456789")
        for dv in ws.data_validations.dataValidation
    }
    letter = {
        h.rstrip(" *"): openpyxl.utils.get_column_letter(i + 1) for i, h in enumerate(headers)
    }
    assert {letter[h] for h in ("ประเภทผู้ขาย", "ธนาคาร", "จังหวัด", "อำเภอ")} <= lists
    assert wb.worksheets[1].sheet_state == "hidden"
    assert "ทับปุด" in [c.value for c in wb.worksheets[1]["D"]]  # Phang Nga's districts

    # The officer fills two rows below the example, from the drop-down words.
    fill = {
        "ประเภทผู้ขาย": "กลุ่มแม่บ้านเกษตรกร",
        "ชื่อกลุ่ม": "กลุ่มแม่บ้านบ้านบ่อแสน",
        "เลขประจำตัวประชาชน": "3-8201-00000-01-8",
        "จำนวนสมาชิก": "12",
        "บ้านเลขที่": "7",
        "หมู่": "2",
        "ตำบล": "บ่อแสน",
        "อำเภอ": "ทับปุด",
        "จังหวัด": "พังงา",
        "รหัสไปรษณีย์": "82180",
        "เบอร์โทร": "0812345671",
        "ธนาคาร": "ธ.ก.ส.",
        "เลขที่บัญชี": "020000000011",
        "วันที่ยื่น": "01/12/2569",
    }
    from tests.onboarding.helpers import make_pin

    for n, r in enumerate((4, 5)):
        pin = make_pin(f"38201000010{n}")
        values = {**fill, "ชื่อกลุ่ม": f"{fill['ชื่อกลุ่ม']} {n}", "เลขประจำตัวประชาชน": pin}
        for col, h in enumerate(headers, start=1):
            if h.rstrip(" *") in values:
                ws.cell(r, col, values[h.rstrip(" *")])
    buf = io.BytesIO()
    wb.save(buf)
    layout = sheets.inspect_sheet(officer, buf.getvalue(), "แม่แบบ.xlsx")
    assert not layout.needs_mapping  # every header known: no mapping step
    preview = sheets.preview_spreadsheet(officer, buf.getvalue(), "แม่แบบ.xlsx")
    assert [r.line_no for r in preview.good] == [4, 5]
    # The example row (line 3) is named and never imported; the English row 2 is skipped.
    assert {r.line_no: [p.key for p in r.problems] for r in preview.bad} == {
        3: ["sheets.check.example_row"]
    }
    result = sheets.confirm_import(officer, preview)
    assert len(result.created) == 2
    with ops.read(ops.engine()) as conn:
        subs = conn.execute(select(ob_application.c.subdistrict_code)).scalars().all()
    assert subs == ["820703", "820703"]


def test_english_template_has_english_headers(sqlite_db, users) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(sheet_template.template_xlsx(users["pn_a"], "en")))
    assert [c.value for c in wb.worksheets[0][1]][:2] == ["Seller type *", "Group name *"]
    layout = sheets.inspect_sheet(
        users["pn_a"], sheet_template.template_xlsx(users["pn_a"], "en"), "t.xlsx"
    )
    assert not layout.needs_mapping


def test_every_drop_down_word_reads_back() -> None:
    from etl.feeds import bank_code_of, seller_type_of

    for code, words in sheet_template.BANK_CHOICES.items():
        assert {bank_code_of(w) for w in words} == {code}
    for kind, words in sheet_template.SELLER_TYPE_CHOICES.items():
        assert {seller_type_of(w) for w in words} == {kind}
    for f, headers in sheet_template.TEMPLATE_HEADERS.items():
        from etl.feeds import field_of

        assert {field_of(h) for h in headers} == {f}


def test_title_rows_above_the_headers(ops_settings, users) -> None:
    """Offices put a title above the table; Excel pads it with commas in a CSV."""
    width = len(HEADER)
    title = ["รายชื่อวิสาหกิจชุมชน จังหวัดพังงา ปี ๒๕๖๘", *[""] * (width - 1)]
    body = csv_bytes(phangnga_rows()[:2]).decode("cp874")
    data = (",".join(title) + "\r\n" + "," * (width - 1) + "\r\n" + body).encode("cp874")
    layout = sheets.inspect_sheet(users["pn_a"], data, "title.csv")
    assert not layout.needs_mapping
    assert [c.header for c in layout.columns][:2] == ["ประเภทผู้ขาย", "ชื่อกลุ่ม"]
    preview = sheets.preview_spreadsheet(users["pn_a"], data, "title.csv")
    # Lines are the file's own: the title is line 1, the headers line 3.
    assert [r.line_no for r in preview.good] == [4, 5]
