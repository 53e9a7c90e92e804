"""The header dictionary, place names, and values in words, table by table."""

from __future__ import annotations

import pytest

from etl.feeds import (
    address_line,
    bank_code_of,
    date_text,
    field_of,
    match_headers,
    resolve_place,
    seller_type_of,
    yes_no,
)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("ชื่อกลุ่ม", "name_th"),
        ("  ชื่อ กลุ่ม * ", "name_th"),
        ("ชื่อ-สกุล", "name_th"),
        ("Group Name", "name_th"),
        ("name_th", "name_th"),
        ("เลขประจำตัวประชาชน", "national_id"),
        ("เลขประจำตัวประชาชน (13 หลัก)", "national_id"),
        ("เลขบัตรประชาชน", "national_id"),
        ("National ID", "national_id"),
        ("\ufeffnational_id", "national_id"),
        ("ตำบล", "subdistrict_code"),
        ("ตำบล/แขวง", "subdistrict_code"),
        ("Sub-District", "subdistrict_code"),
        ("Tambon", "subdistrict_code"),
        ("subdistrict_code", "subdistrict_code"),
        ("อำเภอ", "district_code"),
        ("Amphoe", "district_code"),
        ("จังหวัด", "province_code"),
        ("รหัสไปรษณีย์", "postal_code"),
        ("Post code", "postal_code"),
        ("ธนาคาร", "bank_code"),
        ("เลขที่บัญชี", "bank_account_no"),
        ("เลขบัญชีธนาคาร", "bank_account_no"),
        ("Account No.", "bank_account_no"),
        ("วันที่ยื่น", "submitted_at"),
        ("วันที่ยื่น (พ.ศ.)", "submitted_at"),
        ("ประเภทผู้ขาย", "seller_type"),
        ("เบอร์โทร", "phone"),
        ("Mobile No.", "phone"),
        ("บ้านเลขที่", "house_no"),
        ("หมู่ที่", "moo"),
        ("ผู้มีรายได้น้อย", "is_low_income"),
        ("จำนวนสมาชิก", "count_members"),
        ("รหัสทะเบียนวิสาหกิจชุมชน", "ce_registration_code"),
        ("หมายเหตุ", None),
        ("", None),
    ],
)
def test_header_dictionary(header: str, field: str | None) -> None:
    assert field_of(header) == field


def test_a_field_goes_to_the_first_column_that_names_it() -> None:
    assert match_headers(["ชื่อ", "ชื่อกลุ่ม", "หมายเหตุ"]) == {
        "ชื่อ": "name_th",
        "ชื่อกลุ่ม": None,
        "หมายเหตุ": None,
    }


@pytest.mark.parametrize(
    ("place", "code", "problem"),
    [
        (("ต.บ่อแสน", "อ.ทับปุด", "จ.พังงา", "82180"), "820703", None),  # short forms
        (("ตำบลบ่อแสน", "อำเภอทับปุด", "จังหวัดพังงา", None), "820703", None),
        (("บ่อแสน", None, None, None), "820703", None),  # the name alone is unique
        (("ท้ายช้าง", "เมือง", "พังงา", "82000"), "820101", None),  # เมือง: the capital
        (("ท้ายช้าง", "อ.เมืองพังงา", None, None), "820101", None),
        (("Bo Saen", "Thap Put", "Phang Nga", "82180"), "820703", None),  # English
        (("ตะกั่วป่า", "ตะกั่วป่า", None, None), "820501", None),
        (("820703", None, None, "82180"), "820703", None),  # codes still work
        (("ตลาด", None, None, None), None, "ambiguous"),
        (("ตลาด", "เมือง", "สุราษฎร์ธานี", None), "840101", None),
        (("บ่อแสนน", "ทับปุด", "พังงา", None), None, "unknown"),
        (("บ่อแสน", "ทับปุด", "พังงา", "82000"), None, "postal_code"),  # wrong postal code
        (("บ่อแสน", "ตะกั่วป่า", "พังงา", None), None, "not_in_area"),
    ],
)
def test_place_names(place: tuple, code: str | None, problem: str | None) -> None:
    found = resolve_place(*place)
    assert (found.subdistrict_code, found.problem) == (code, problem)
    if problem in ("ambiguous", "postal_code", "not_in_area"):
        assert found.candidates  # the officer is shown where it could be
    if code:
        assert found.district_code == code[:4] and found.province_code == code[:2]


def test_an_officers_province_settles_a_shared_name() -> None:
    # ตะกั่วป่า is a subdistrict in Phang Nga and in Khon Kaen.
    assert resolve_place("ตะกั่วป่า").problem == "ambiguous"
    assert resolve_place("ตะกั่วป่า", prefer_provinces=("82",)).subdistrict_code == "820501"


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("ธ.ก.ส.", "034"),
        ("ธกส", "034"),
        ("BAAC", "034"),
        ("ออมสิน", "030"),
        ("ธนาคารออมสิน", "030"),
        ("กรุงไทย", "006"),
        ("ธนาคารกรุงไทย จำกัด (มหาชน)", "006"),
        ("KTB", "006"),
        ("กสิกรไทย", "004"),
        ("K-Bank", "004"),
        ("ไทยพาณิชย์", "014"),
        ("กรุงศรี", "025"),
        ("ธอส.", "033"),
        ("34", "034"),
        ("๐๓๔", "034"),
        ("ธนาคารดาวอังคาร", None),
        ("", None),
    ],
)
def test_bank_words(word: str, code: str | None) -> None:
    assert bank_code_of(word) == code


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("กลุ่มแม่บ้านเกษตรกร", "housewife_group"),
        ("กลุ่มแม่บ้าน", "housewife_group"),
        ("วิสาหกิจชุมชน", "community_enterprise"),
        ("ผู้ผลิต OTOP", "otop_producer"),
        ("โอทอป", "otop_producer"),
        ("กลุ่มเกษตรกร", "farmer_group"),
        ("บุคคลธรรมดา", "individual"),
        ("Community enterprise", "community_enterprise"),
        ("community_enterprise", "community_enterprise"),
        ("สหกรณ์ออมทรัพย์", None),
    ],
)
def test_seller_type_words(word: str, kind: str | None) -> None:
    assert seller_type_of(word) == kind


@pytest.mark.parametrize(
    ("word", "answer"),
    [
        ("ใช่", True),
        ("มี", True),
        ("✓", True),
        ("Yes", True),
        ("ไม่ใช่", False),
        ("ไม่มี", False),
        ("no", False),
        ("", None),
        (None, None),
    ],
)
def test_yes_no_words(word: str | None, answer: bool | None) -> None:
    assert yes_no(word) is answer


def test_yes_no_refuses_other_words() -> None:
    with pytest.raises(ValueError):
        yes_no("บางที")


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        ("๑๕/๐๓/๒๕๖๘", "15/03/2568"),
        ("15 มี.ค. 2568", "15/03/2568"),
        ("๑ ธันวาคม พ.ศ. ๒๕๖๗", "01/12/2567"),
        ("15/03/68", "15/03/2568"),
        ("2025-03-15", "2025-03-15"),
    ],
)
def test_dates_in_be_or_ce_with_thai_digits(cell: str, text: str) -> None:
    assert date_text(cell) == text


@pytest.mark.parametrize(
    ("parts", "line"),
    [
        (("12/3", "4", None), "12/3 หมู่ 4"),
        (("๑๒", "๔", "ถนนเพชรเกษม"), "12 หมู่ 4 ถนนเพชรเกษม"),
        ((None, None, "99 ม.3 ซอยสุขใจ"), "99 หมู่ 3 ซอยสุขใจ"),
        (("5", "หมู่ที่ 7", None), "5 หมู่ 7"),
        ((None, None, None), None),
    ],
)
def test_house_number_and_moo_are_the_address_line(parts: tuple, line: str | None) -> None:
    assert address_line(*parts) == line


def test_an_unknown_name_offers_the_closest_names() -> None:
    typo = resolve_place("บ่อแสนน", "ทับปุด", "พังงา")
    assert typo.problem == "unknown"
    assert [a.subdistrict.code for a in typo.candidates] == ["820703"]
    # Without district or province, the officer's province is searched first.
    near = resolve_place("ท้ายชาง", prefer_provinces=("82",))
    assert near.candidates[0].subdistrict.code == "820101"


def test_docs_list_every_header_variant_and_word() -> None:
    from pathlib import Path

    from etl.feeds import BANK_WORDS, HEADER_VARIANTS, SELLER_TYPE_WORDS

    docs = (Path(__file__).resolve().parents[2] / "docs" / "feeds.md").read_text("utf-8")
    words = [w for vs in (*HEADER_VARIANTS.values(), *BANK_WORDS.values()) for w in vs]
    words += [w for vs in SELLER_TYPE_WORDS.values() for w in vs]
    assert [w for w in words if f"`{w}`" not in docs] == []
