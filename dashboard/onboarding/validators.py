"""Checks on a seller application, each returning a message key and its parameters.

The UI translates ``key`` through the message catalog (``dashboard/onboarding/messages.json``);
nothing here produces display text. Every check accepts what people actually type: Thai
digits, dashes and spaces are normalised before the number is judged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import geothai
import phonenumbers
from stdnum import exceptions as stdnum_errors
from stdnum.th import moa, pin, tin

from warehouse import limits
from warehouse.vocab import SELLER_TYPES

Severity = Literal["error", "warning"]


# Bank codes from DOMAIN.md. GSB, GHB and BAAC — the banks rural sellers use — issue
# 12-digit accounts; the others 10.
BANKS: dict[str, str] = {
    "002": "BBL",
    "004": "KBANK",
    "006": "KTB",
    "011": "TTB",
    "014": "SCB",
    "022": "CIMBT",
    "024": "UOBT",
    "025": "BAY",
    "030": "GSB",
    "033": "GHB",
    "034": "BAAC",
    "069": "KKP",
    "073": "LHBANK",
}
TWELVE_DIGIT_BANKS = frozenset({"030", "033", "034"})
DEFAULT_ACCOUNT_LENGTH = 10
LONG_ACCOUNT_LENGTH = 12
MIN_CE_MEMBERS = 7
EWALLET_ID_LENGTH = 15

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_SEPARATORS = re.compile(r"[\s\-./]")
# X-XX-XX-XX/X-XXXX: the separators, when written, must sit where the registry puts them.
_CE_WRITTEN = re.compile(r"^\d-\d{2}-\d{2}-\d{2}/\d-\d{4}$")


@dataclass(frozen=True)
class CheckResult:
    """One check's verdict. ``key`` is a catalog key; ``params`` fill its placeholders."""

    check: str
    ok: bool
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    severity: Severity = "error"

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "ok": self.ok,
            "key": self.key,
            "params": dict(self.params),
            "severity": self.severity,
        }


def _ok(check: str, **params: Any) -> CheckResult:
    return CheckResult(check, True, f"onboarding.check.{check}.ok", params, "error")


def _bad(check: str, reason: str, severity: Severity = "error", **params: Any) -> CheckResult:
    return CheckResult(check, False, f"onboarding.check.{check}.{reason}", params, severity)


def ascii_digits(value: object) -> str:
    """Thai digits to ASCII, surrounding space removed; None becomes ''."""
    if value is None:
        return ""
    return str(value).translate(_THAI_DIGITS).strip()


def digits_only(value: object) -> str:
    """Thai digits to ASCII and every separator (dash, space, dot, slash) removed."""
    return _SEPARATORS.sub("", ascii_digits(value))


def normalize_phone(value: object) -> str | None:
    """A Thai number in national form (``0812345678``), or None when it does not parse."""
    text = ascii_digits(value)
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, "TH")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 66 or not phonenumbers.is_valid_number(number):
        return None
    return "0" + str(number.national_number)


def check_national_id(value: object, *, required: bool = True) -> CheckResult:
    number = digits_only(value)
    if not number:
        return _bad("national_id", "missing") if required else _ok("national_id")
    try:
        pin.validate(number)
    except stdnum_errors.InvalidLength:
        return _bad("national_id", "length", length=len(number))
    except stdnum_errors.InvalidFormat:
        return _bad("national_id", "format")
    except stdnum_errors.InvalidComponent:
        # First digit 0 is a juristic person, 9 is not a personal ID at all.
        return _bad("national_id", "not_personal", first=number[0])
    except stdnum_errors.InvalidChecksum:
        return _bad("national_id", "checksum")
    return _ok("national_id", value=number)


def check_juristic_id(value: object, *, required: bool = False) -> CheckResult:
    number = digits_only(value)
    if not number:
        return _bad("juristic_id", "missing") if required else _ok("juristic_id")
    try:
        moa.validate(number)
    except stdnum_errors.InvalidLength:
        return _bad("juristic_id", "length", length=len(number))
    except stdnum_errors.InvalidFormat:
        return _bad("juristic_id", "format")
    except stdnum_errors.InvalidComponent:
        return _bad("juristic_id", "not_juristic")
    except stdnum_errors.InvalidChecksum:
        return _bad("juristic_id", "checksum")
    return _ok("juristic_id", value=number)


def check_ce_code(value: object, *, required: bool = False) -> CheckResult:
    """Community enterprise code: 12 digits, written ``X-XX-XX-XX/X-XXXX`` or bare."""
    text = ascii_digits(value).replace(" ", "")
    if not text:
        return _bad("ce_code", "missing") if required else _ok("ce_code")
    bare = text.isdigit()
    if not bare and not _CE_WRITTEN.match(text):
        return _bad("ce_code", "format", expected="X-XX-XX-XX/X-XXXX")
    number = digits_only(text)
    if len(number) != 12:
        return _bad("ce_code", "length", length=len(number))
    return _ok("ce_code", value=number)


def check_phone(value: object, *, required: bool = True) -> CheckResult:
    """A Thai mobile number: 10 digits starting 06, 08 or 09 (``+66`` drops the 0)."""
    text = ascii_digits(value)
    if not text:
        return _bad("phone", "missing") if required else _ok("phone")
    try:
        number = phonenumbers.parse(text, "TH")
    except phonenumbers.NumberParseException:
        return _bad("phone", "unreadable")
    if number.country_code != 66 or not phonenumbers.is_valid_number(number):
        return _bad("phone", "invalid")
    national = "0" + str(number.national_number)
    kind = phonenumbers.number_type(number)
    mobile = kind in (phonenumbers.PhoneNumberType.MOBILE,) and national[:2] in ("06", "08", "09")
    if not mobile:
        return _bad("phone", "not_mobile", value=national)
    return _ok("phone", value=national)


def check_bank_account(bank_code: object, account_no: object) -> CheckResult:
    code = digits_only(bank_code).zfill(3) if digits_only(bank_code) else ""
    account = digits_only(account_no)
    if not code or not account:
        return _bad("bank_account", "missing")
    if code not in BANKS:
        return _bad("bank_account", "unknown_bank", bank_code=code)
    if not account.isdigit():
        return _bad("bank_account", "format")
    expected = LONG_ACCOUNT_LENGTH if code in TWELVE_DIGIT_BANKS else DEFAULT_ACCOUNT_LENGTH
    if len(account) != expected:
        return _bad(
            "bank_account",
            "length",
            bank=BANKS[code],
            expected=expected,
            length=len(account),
        )
    return _ok("bank_account", bank=BANKS[code], value=account)


def promptpay_kind(value: object) -> str | None:
    """Which PromptPay proxy this is: mobile, national_id, tax_id, ewallet; None if none."""
    number = digits_only(value).removeprefix("+")
    # +66 81 234 5678 is the international form of 081 234 5678.
    if len(number) == 11 and number.startswith("66"):
        number = "0" + number[2:]
    if not number.isdigit():
        return None
    if len(number) == 10 and normalize_phone(number) and number[:2] in ("06", "08", "09"):
        return "mobile"
    if len(number) == 13:
        if pin.is_valid(number):
            return "national_id"
        if tin.is_valid(number):
            return "tax_id"
        return None
    if len(number) == EWALLET_ID_LENGTH:
        return "ewallet"
    return None


def check_promptpay(value: object, *, required: bool = False) -> CheckResult:
    if not digits_only(value):
        return _bad("promptpay", "missing") if required else _ok("promptpay")
    kind = promptpay_kind(value)
    if kind is None:
        return _bad("promptpay", "invalid")
    return _ok("promptpay", kind=kind)


def check_address(
    province_code: object,
    district_code: object,
    subdistrict_code: object,
    postal_code: object,
) -> CheckResult:
    """Province → district → subdistrict → postal code, each inside its parent.

    The postal code is judged against the subdistrict's own list, never by prefix: the
    central provinces' postal codes do not start with their province code.
    """
    prov, dist, sub, post = (
        digits_only(province_code),
        digits_only(district_code),
        digits_only(subdistrict_code),
        digits_only(postal_code),
    )
    if not prov:
        return _bad("address", "missing_province")
    if geothai.province(prov) is None:
        return _bad("address", "unknown_province", province_code=prov)
    if not dist:
        return _bad("address", "missing_district")
    district = geothai.district(dist)
    if district is None:
        return _bad("address", "unknown_district", district_code=dist)
    if district.province_code != prov:
        return _bad("address", "district_not_in_province", district_code=dist, province_code=prov)
    if not sub:
        return _bad("address", "missing_subdistrict")
    subdistrict = geothai.subdistrict(sub)
    if subdistrict is None:
        return _bad("address", "unknown_subdistrict", subdistrict_code=sub)
    if subdistrict.district_code != dist:
        return _bad(
            "address",
            "subdistrict_not_in_district",
            subdistrict_code=sub,
            district_code=dist,
        )
    if not post:
        return _bad("address", "missing_postal_code")
    if post not in subdistrict.postal_codes:
        return _bad(
            "address",
            "postal_code_mismatch",
            postal_code=post,
            expected=", ".join(subdistrict.postal_codes),
        )
    return _ok("address")


def check_members(seller_type: object, count_members: object) -> CheckResult:
    """A community enterprise needs at least seven members (the SMCE registry's rule)."""
    if seller_type != "community_enterprise":
        return _ok("members")
    text = digits_only(count_members)
    if not text:
        return _bad("members", "missing", minimum=MIN_CE_MEMBERS)
    if not text.isdigit():
        return _bad("members", "format")
    count = int(text)
    if count < MIN_CE_MEMBERS:
        return _bad("members", "too_few", count=count, minimum=MIN_CE_MEMBERS)
    return _ok("members", count=count)


def check_seller_type(seller_type: object) -> CheckResult:
    if seller_type not in SELLER_TYPES:
        return _bad("seller_type", "unknown", value=str(seller_type or ""))
    return _ok("seller_type")


def check_name(name_th: object, name_en: object) -> CheckResult:
    th, en = str(name_th or "").strip(), str(name_en or "").strip()
    if not th and not en:
        return _bad("name", "missing")
    if max(len(th), len(en)) > limits.NAME:
        return _bad("name", "too_long", max=limits.NAME)
    return _ok("name")


def check_application(app: Mapping[str, Any]) -> list[CheckResult]:
    """Every field check of one application (documents are checked by ``checklist``)."""
    seller_type = app.get("seller_type")
    return [
        check_seller_type(seller_type),
        check_name(app.get("name_th"), app.get("name_en")),
        check_national_id(app.get("national_id"), required=True),
        check_juristic_id(app.get("juristic_id")),
        check_ce_code(
            app.get("ce_registration_code"), required=seller_type == "community_enterprise"
        ),
        check_members(seller_type, app.get("count_members")),
        check_phone(app.get("phone")),
        check_bank_account(app.get("bank_code"), app.get("bank_account_no")),
        check_promptpay(app.get("promptpay_proxy")),
        check_address(
            app.get("province_code"),
            app.get("district_code"),
            app.get("subdistrict_code"),
            app.get("postal_code"),
        ),
    ]


def errors(results: list[CheckResult]) -> list[CheckResult]:
    return [r for r in results if not r.ok and r.severity == "error"]
