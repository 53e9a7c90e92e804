"""The header dictionary: the Thai and English headers offices and systems write for each
field of a seller application, matched whatever the spacing, case and punctuation.

A provincial sheet says ``ชื่อกลุ่ม``, ``เลขประจำตัวประชาชน 13 หลัก`` or ``Tambon`` where the
feed says ``name_th``, ``national_id`` or ``subdistrict_code``. ``field_of`` reads one header;
``match_headers`` a file's header row. docs/feeds.md lists every variant (keep it in step).

Place columns (``subdistrict_code``, ``district_code``, ``province_code``) take a name or a
code: ``ตำบล`` and ``รหัสตำบล`` are the same field, the value decides (etl.feeds.places).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# field → header variants. The field name itself always matches too.
HEADER_VARIANTS: dict[str, tuple[str, ...]] = {
    "application_id": ("เลขที่ใบสมัคร", "รหัสใบสมัคร", "application id", "application no"),
    "seller_type": (
        "ประเภทผู้ขาย",
        "ประเภท",
        "ประเภทกลุ่ม",
        "ประเภทผู้ประกอบการ",
        "ประเภทผู้สมัคร",
        "seller type",
        "type",
    ),
    "name_th": (
        "ชื่อกลุ่ม",
        "ชื่อ",
        "ชื่อผู้ขาย",
        "ชื่อกลุ่ม/ผู้ขาย",
        "ชื่อกลุ่มหรือผู้ขาย",
        "ชื่อวิสาหกิจชุมชน",
        "ชื่อวิสาหกิจ",
        "ชื่อผู้ประกอบการ",
        "ชื่อ-สกุล",
        "ชื่อ-นามสกุล",
        "ชื่อนามสกุล",
        "ชื่อภาษาไทย",
        "ชื่อ (ไทย)",
        "group name",
        "name",
        "seller name",
        "name (thai)",
        "thai name",
    ),
    "name_en": (
        "ชื่อภาษาอังกฤษ",
        "ชื่อ (อังกฤษ)",
        "ชื่อกลุ่มภาษาอังกฤษ",
        "english name",
        "name (english)",
        "name en",
    ),
    "national_id": (
        "เลขประจำตัวประชาชน",
        "เลขบัตรประชาชน",
        "เลขประจำตัวประชาชน 13 หลัก",
        "เลขบัตรประจำตัวประชาชน",
        "เลขประชาชน",
        "บัตรประชาชน",
        "เลขประจำตัวประชาชนผู้แทนกลุ่ม",
        "เลขประจำตัวประชาชนประธานกลุ่ม",
        "national id",
        "citizen id",
        "id card",
        "id card no",
        "thai id",
        "pin",
    ),
    "juristic_id": (
        "เลขทะเบียนนิติบุคคล",
        "เลขนิติบุคคล",
        "เลขประจำตัวผู้เสียภาษี",
        "เลขผู้เสียภาษี",
        "juristic id",
        "juristic person id",
        "tax id",
        "company id",
    ),
    "ce_registration_code": (
        "รหัสทะเบียนวิสาหกิจชุมชน",
        "รหัสวิสาหกิจชุมชน",
        "รหัสทะเบียน",
        "เลขทะเบียนวิสาหกิจชุมชน",
        "ทะเบียนวิสาหกิจชุมชน",
        "รหัส วสช",
        "ce code",
        "ce registration code",
        "smce code",
        "registration code",
    ),
    "count_members": (
        "จำนวนสมาชิก",
        "สมาชิก",
        "จำนวนสมาชิก (คน)",
        "members",
        "number of members",
        "member count",
    ),
    "is_low_income": (
        "ผู้มีรายได้น้อย",
        "รายได้น้อย",
        "บัตรสวัสดิการแห่งรัฐ",
        "ถือบัตรสวัสดิการแห่งรัฐ",
        "บัตรคนจน",
        "low income",
        "welfare card",
    ),
    "house_no": ("บ้านเลขที่", "เลขที่", "ที่ตั้ง เลขที่", "house no", "house number", "no"),
    "moo": ("หมู่", "หมู่ที่", "ม", "moo", "village no", "village"),
    "address_line": (
        "ที่อยู่",
        "ที่ตั้ง",
        "ที่อยู่กลุ่ม",
        "ถนน",
        "ซอย/ถนน",
        "address",
        "address line",
        "street",
        "road",
    ),
    "subdistrict_code": (
        "ตำบล",
        "แขวง",
        "ตำบล/แขวง",
        "รหัสตำบล",
        "ชื่อตำบล",
        "subdistrict",
        "sub-district",
        "tambon",
        "khwaeng",
        "subdistrict code",
    ),
    "district_code": (
        "อำเภอ",
        "เขต",
        "อำเภอ/เขต",
        "รหัสอำเภอ",
        "ชื่ออำเภอ",
        "district",
        "amphoe",
        "khet",
        "district code",
    ),
    "province_code": ("จังหวัด", "รหัสจังหวัด", "ชื่อจังหวัด", "province", "changwat", "province code"),
    "postal_code": (
        "รหัสไปรษณีย์",
        "ไปรษณีย์",
        "รหัส ปณ",
        "postal code",
        "postcode",
        "post code",
        "zip",
        "zip code",
    ),
    "phone": (
        "โทรศัพท์",
        "เบอร์โทร",
        "เบอร์โทรศัพท์",
        "หมายเลขโทรศัพท์",
        "โทรศัพท์มือถือ",
        "เบอร์มือถือ",
        "มือถือ",
        "โทร",
        "phone",
        "phone no",
        "mobile",
        "mobile no",
        "tel",
        "telephone",
    ),
    "bank_code": ("ธนาคาร", "ชื่อธนาคาร", "รหัสธนาคาร", "bank", "bank name", "bank code"),
    "bank_account_no": (
        "เลขที่บัญชี",
        "เลขบัญชี",
        "เลขที่บัญชีธนาคาร",
        "เลขบัญชีธนาคาร",
        "บัญชีเลขที่",
        "account no",
        "account number",
        "bank account",
        "bank account no",
    ),
    "promptpay_proxy": ("พร้อมเพย์", "เลขพร้อมเพย์", "promptpay", "prompt pay", "promptpay id"),
    "digital_centre_id": (
        "ศูนย์ดิจิทัลชุมชน",
        "รหัสศูนย์ดิจิทัลชุมชน",
        "digital centre",
        "digital center",
        "digital centre id",
    ),
    "status": ("สถานะ", "status"),
    "submitted_at": (
        "วันที่ยื่น",
        "วันที่สมัคร",
        "วันที่ยื่นใบสมัคร",
        "วันยื่น",
        "วันที่รับสมัคร",
        "วันที่",
        "date submitted",
        "submitted",
        "submission date",
        "date",
    ),
    "decided_at": ("วันที่พิจารณา", "วันที่อนุมัติ", "decided", "decision date"),
    "seller_id": ("รหัสผู้ขาย", "seller id"),
    "updated_at": ("วันที่แก้ไข", "แก้ไขล่าสุด", "updated", "last updated"),
}

# Characters that never tell two headers apart: spaces, punctuation, the required-field star.
_NOISE = re.compile(r"[\s_\-./:;,()\[\]{}*#'\"’“”]+")
# A trailing hint in brackets or after a colon: "เลขประจำตัวประชาชน (13 หลัก)", "วันที่ยื่น (พ.ศ.)".
_HINT = re.compile(r"\s*[(\[（].*?[)\]）]\s*$")


def header_key(text: object) -> str:
    """A header in one form: NFC, lower case, no BOM, spaces, punctuation or '*'."""
    s = unicodedata.normalize("NFC", str(text or "")).replace("\ufeff", "").strip().lower()
    return _NOISE.sub("", s)


def _keys(field: str, variants: Iterable[str]) -> set[str]:
    return {header_key(field), *(header_key(v) for v in variants)}


_FIELD_BY_KEY: dict[str, str] = {}
for _field, _variants in HEADER_VARIANTS.items():
    for _key in _keys(_field, _variants):
        if _key in _FIELD_BY_KEY and _FIELD_BY_KEY[_key] != _field:  # pragma: no cover
            raise ValueError(f"header {_key!r} given to {_FIELD_BY_KEY[_key]} and {_field}")
        _FIELD_BY_KEY[_key] = _field


def field_of(header: object) -> str | None:
    """The field a header names, or None when the dictionary does not know it."""
    key = header_key(header)
    if not key:
        return None
    if key in _FIELD_BY_KEY:
        return _FIELD_BY_KEY[key]
    # "เลขประจำตัวประชาชน (13 หลัก)", "วันที่ยื่น (พ.ศ.)": the words before the hint.
    bare = header_key(_HINT.sub("", unicodedata.normalize("NFC", str(header))))
    return _FIELD_BY_KEY.get(bare)


def match_headers(headers: Iterable[str]) -> dict[str, str | None]:
    """Each header → its field, None where unknown or where an earlier column already took
    the field (a sheet with two ``ชื่อ`` columns maps the first; the officer picks)."""
    taken: set[str] = set()
    out: dict[str, str | None] = {}
    for h in headers:
        f = field_of(h)
        if f is not None and f in taken:
            f = None
        if f is not None:
            taken.add(f)
        out[h] = f
    return out
