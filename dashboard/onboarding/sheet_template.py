"""The provincial-sheet template: an XLSX whose headers the header dictionary knows (so a
filled template imports with no mapping step), the headers in the user's language in row 1
and in the other language in row 2 (the reader skips that row), drop-down lists for seller
type, bank, province, district and yes/no, text-formatted ID and number columns (Excel
keeps their leading zeros), and an example row the preview recognises and never imports.
"""

from __future__ import annotations

import io

import geothai
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from dashboard import formatting, i18n
from dashboard.identity.user import User
from dashboard.onboarding import scope
from dashboard.onboarding.sheet_columns import MAX_SHEET_ROWS, REQUIRED_FIELDS
from dashboard.onboarding.sheets import TEMPLATE_EXAMPLE_ID
from warehouse.vocab import SELLER_TYPES

# field → (Thai header, English header); both are in the header dictionary.
TEMPLATE_HEADERS: dict[str, tuple[str, str]] = {
    "seller_type": ("ประเภทผู้ขาย", "Seller type"),
    "name_th": ("ชื่อกลุ่ม", "Group name"),
    "name_en": ("ชื่อภาษาอังกฤษ", "English name"),
    "national_id": ("เลขประจำตัวประชาชน", "National ID"),
    "juristic_id": ("เลขทะเบียนนิติบุคคล", "Juristic ID"),
    "ce_registration_code": ("รหัสทะเบียนวิสาหกิจชุมชน", "CE registration code"),
    "count_members": ("จำนวนสมาชิก", "Members"),
    "is_low_income": ("ผู้มีรายได้น้อย", "Low income"),
    "house_no": ("บ้านเลขที่", "House no"),
    "moo": ("หมู่", "Moo"),
    "address_line": ("ที่อยู่", "Address"),
    "subdistrict_code": ("ตำบล", "Subdistrict"),
    "district_code": ("อำเภอ", "District"),
    "province_code": ("จังหวัด", "Province"),
    "postal_code": ("รหัสไปรษณีย์", "Postal code"),
    "phone": ("เบอร์โทร", "Phone"),
    "bank_code": ("ธนาคาร", "Bank"),
    "bank_account_no": ("เลขที่บัญชี", "Account no"),
    "promptpay_proxy": ("พร้อมเพย์", "PromptPay"),
    "submitted_at": ("วันที่ยื่น", "Date submitted"),
}
# The seller type as the drop-down offers it (each is in etl.feeds.words' type words).
SELLER_TYPE_CHOICES: dict[str, tuple[str, str]] = {
    "community_enterprise": ("วิสาหกิจชุมชน", "Community enterprise"),
    "otop_producer": ("ผู้ผลิต OTOP", "OTOP producer"),
    "farmer_group": ("กลุ่มเกษตรกร", "Farmer group"),
    "housewife_group": ("กลุ่มแม่บ้านเกษตรกร", "Housewife group"),
    "individual": ("บุคคลธรรมดา", "Individual"),
}
# The bank as the drop-down offers it (each is in etl.feeds.words' bank words).
BANK_CHOICES: dict[str, tuple[str, str]] = {
    "034": ("ธ.ก.ส.", "BAAC"),
    "030": ("ออมสิน", "GSB"),
    "006": ("กรุงไทย", "KTB"),
    "002": ("กรุงเทพ", "BBL"),
    "004": ("กสิกรไทย", "KBANK"),
    "014": ("ไทยพาณิชย์", "SCB"),
    "025": ("กรุงศรีอยุธยา", "BAY"),
    "011": ("ทหารไทยธนชาต", "TTB"),
    "033": ("อาคารสงเคราะห์", "GHB"),
    "022": ("ซีไอเอ็มบีไทย", "CIMBT"),
    "024": ("ยูโอบี", "UOBT"),
    "069": ("เกียรตินาคินภัทร", "KKP"),
    "073": ("แลนด์แอนด์เฮ้าส์", "LHBANK"),
}
# Columns Excel must keep as text (leading zeros, 13-digit IDs not turned into 1.3E+12).
TEXT_FIELDS = frozenset(
    {
        "national_id",
        "juristic_id",
        "ce_registration_code",
        "house_no",
        "postal_code",
        "phone",
        "bank_account_no",
        "promptpay_proxy",
        "submitted_at",
    }
)
_LAST_ROW = MAX_SHEET_ROWS + 2
_HEADER_FILL = PatternFill("solid", fgColor="FFF2CC")


def _seller_type_words(lang: str) -> list[str]:
    return [SELLER_TYPE_CHOICES[t][0 if lang == "th" else 1] for t in SELLER_TYPES]


def _example(lang: str, province: str) -> dict[str, str]:
    district = geothai.districts(province)[0]
    sub = geothai.subdistricts(district.code)[0]
    pin = TEMPLATE_EXAMPLE_ID
    th = lang == "th"
    return {
        "seller_type": SELLER_TYPE_CHOICES["housewife_group"][0 if th else 1],
        "name_th": i18n.translate("sheets.template.example_name", lang),
        "national_id": f"{pin[0]}-{pin[1:5]}-{pin[5:10]}-{pin[10:12]}-{pin[12]}",
        "count_members": "12",
        "is_low_income": "ใช่" if th else "yes",
        "house_no": "99/1",
        "moo": "3",
        "subdistrict_code": sub.name_th if th else sub.name_en,
        "district_code": district.name_th if th else district.name_en,
        "province_code": geothai.province(province).name_th
        if th
        else geothai.province(province).name_en,
        "postal_code": sub.postal_codes[0],
        "phone": "0812345678",
        "bank_code": BANK_CHOICES["034"][0 if th else 1],
        "bank_account_no": "020000000001",
        "submitted_at": "01/12/2569" if th else "2026-12-01",
    }


def template_xlsx(actor: User | None, lang: str) -> bytes:
    """The template for the actor's office (its provinces' names and districts listed)."""
    provinces = scope.acting_provinces(actor) or tuple(formatting.province_codes())
    lang = "en" if lang == "en" else "th"
    other = 1 if lang == "th" else 0
    wb = Workbook()
    ws = wb.active
    ws.title = i18n.translate("sheets.template.sheet", lang)
    lists = wb.create_sheet(i18n.translate("sheets.template.lists", lang))
    fields = list(TEMPLATE_HEADERS)
    for col, f in enumerate(fields, start=1):
        header = TEMPLATE_HEADERS[f][1 - other]
        ws.cell(1, col, f"{header} *" if f in REQUIRED_FIELDS else header).font = Font(bold=True)
        ws.cell(1, col).fill = _HEADER_FILL
        ws.cell(2, col, TEMPLATE_HEADERS[f][other]).font = Font(italic=True, color="7F7F7F")
        ws.column_dimensions[ws.cell(1, col).column_letter].width = max(14, len(header) + 4)
        if f in TEXT_FIELDS:
            for row in range(3, 200):
                ws.cell(row, col).number_format = "@"
    example = _example(lang, provinces[0])
    for col, f in enumerate(fields, start=1):
        cell = ws.cell(3, col, example.get(f))
        cell.font = Font(italic=True, color="2F5597")
    ws.freeze_panes = "A3"

    names = {
        "A": _seller_type_words(lang),
        "B": [BANK_CHOICES[c][0 if lang == "th" else 1] for c in BANK_CHOICES],
        "C": [
            (geothai.province(p).name_th if lang == "th" else geothai.province(p).name_en)
            for p in provinces
        ],
        "D": [
            d.name_th if lang == "th" else d.name_en
            for p in provinces
            for d in geothai.districts(p)
        ],
        "E": ["ใช่", "ไม่ใช่"] if lang == "th" else ["yes", "no"],
    }
    for letter, values in names.items():
        for row, value in enumerate(values, start=1):
            lists[f"{letter}{row}"] = value
    lists.sheet_state = "hidden"
    sheet = lists.title.replace("'", "''")
    for f, letter in (
        ("seller_type", "A"),
        ("bank_code", "B"),
        ("province_code", "C"),
        ("district_code", "D"),
        ("is_low_income", "E"),
    ):
        col = ws.cell(1, fields.index(f) + 1).column_letter
        dv = DataValidation(
            type="list",
            formula1=f"='{sheet}'!${letter}$1:${letter}${len(names[letter])}",
            allow_blank=True,
            showErrorMessage=True,
            promptTitle=i18n.translate("sheets.template.hint", lang),
        )
        dv.add(f"{col}3:{col}{_LAST_ROW}")
        ws.add_data_validation(dv)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
