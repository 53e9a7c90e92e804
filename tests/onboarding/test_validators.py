"""Each application check, table-driven: what an officer types, what the check says."""

from __future__ import annotations

import pytest

from dashboard.errors import ValidationFailed
from dashboard.onboarding import checklist, validators
from dashboard.onboarding.validators import (
    check_address,
    check_bank_account,
    check_ce_code,
    check_juristic_id,
    check_members,
    check_national_id,
    check_phone,
    check_promptpay,
)


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("3100600445635", "onboarding.check.national_id.ok"),
        ("3-1006-00445-63-5", "onboarding.check.national_id.ok"),
        ("๓๑๐๐๖๐๐๔๔๕๖๓๕", "onboarding.check.national_id.ok"),  # Thai digits
        ("3 1006 00445 63 5", "onboarding.check.national_id.ok"),
        ("3100600445636", "onboarding.check.national_id.checksum"),
        ("310060044563", "onboarding.check.national_id.length"),
        ("0105536092641", "onboarding.check.national_id.not_personal"),  # a company's ID
        ("", "onboarding.check.national_id.missing"),
        ("31006OO445635", "onboarding.check.national_id.format"),
    ],
)
def test_national_id(value: str, key: str) -> None:
    assert check_national_id(value).key == key


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("0105536092641", "onboarding.check.juristic_id.ok"),
        ("0-1055-36092-64-1", "onboarding.check.juristic_id.ok"),
        ("0105536092642", "onboarding.check.juristic_id.checksum"),
        ("3100600445635", "onboarding.check.juristic_id.not_juristic"),
        ("", "onboarding.check.juristic_id.ok"),  # optional
    ],
)
def test_juristic_id(value: str, key: str) -> None:
    assert check_juristic_id(value).key == key


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("4-82-01-01/1-0001", "onboarding.check.ce_code.ok"),
        ("482010110001", "onboarding.check.ce_code.ok"),
        ("๔-๘๒-๐๑-๐๑/๑-๐๐๐๑", "onboarding.check.ce_code.ok"),
        ("4-8201-01/1-0001", "onboarding.check.ce_code.format"),  # separators misplaced
        ("48201011000", "onboarding.check.ce_code.length"),
        ("", "onboarding.check.ce_code.missing"),
    ],
)
def test_ce_code(value: str, key: str) -> None:
    assert check_ce_code(value, required=True).key == key


@pytest.mark.parametrize(
    ("value", "key", "normalized"),
    [
        ("0812345678", "onboarding.check.phone.ok", "0812345678"),
        ("081-234-5678", "onboarding.check.phone.ok", "0812345678"),
        ("+66 81 234 5678", "onboarding.check.phone.ok", "0812345678"),
        ("๐๙๑-๒๓๔-๕๖๗๘", "onboarding.check.phone.ok", "0912345678"),
        ("061 234 5678", "onboarding.check.phone.ok", "0612345678"),
        ("02-123-4567", "onboarding.check.phone.not_mobile", None),  # Bangkok landline
        ("0812345", "onboarding.check.phone.invalid", None),
        ("call me", "onboarding.check.phone.unreadable", None),
    ],
)
def test_phone(value: str, key: str, normalized: str | None) -> None:
    result = check_phone(value)
    assert result.key == key
    if normalized:
        assert result.params["value"] == normalized


@pytest.mark.parametrize(
    ("bank", "account", "key"),
    [
        ("034", "123456789012", "onboarding.check.bank_account.ok"),  # BAAC: 12
        ("030", "1234-5678-9012", "onboarding.check.bank_account.ok"),  # GSB: 12, dashed
        ("033", "1234567890", "onboarding.check.bank_account.length"),  # GHB needs 12
        ("004", "1234567890", "onboarding.check.bank_account.ok"),  # KBANK: 10
        ("4", "123-4-56789-0", "onboarding.check.bank_account.ok"),  # code written short
        ("014", "123456789012", "onboarding.check.bank_account.length"),  # SCB: 10
        ("999", "1234567890", "onboarding.check.bank_account.unknown_bank"),
        ("", "1234567890", "onboarding.check.bank_account.missing"),
    ],
)
def test_bank_account(bank: str, account: str, key: str) -> None:
    assert check_bank_account(bank, account).key == key


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("0812345678", "mobile"),
        ("+66812345678", "mobile"),
        ("3100600445635", "national_id"),
        ("0105536092641", "tax_id"),
        ("123456789012345", "ewallet"),
        ("3100600445636", None),  # bad check digit: no proxy of that length
        ("12345", None),
    ],
)
def test_promptpay(value: str, kind: str | None) -> None:
    result = check_promptpay(value)
    assert result.ok == (kind is not None)
    if kind:
        assert result.params["kind"] == kind


@pytest.mark.parametrize(
    ("codes", "key"),
    [
        (("84", "8405", "840503", "84360"), "onboarding.check.address.ok"),  # Ko Tao
        (("84", "8405", "840501", "84280"), "onboarding.check.address.ok"),
        # Nonthaburi is province 12 but its postal codes start with 11: never by prefix.
        (("12", "1201", "120101", "11000"), "onboarding.check.address.ok"),
        (("84", "8405", "840503", "84280"), "onboarding.check.address.postal_code_mismatch"),
        (("82", "8405", "840503", "84360"), "onboarding.check.address.district_not_in_province"),
        (("84", "8401", "840503", "84360"), "onboarding.check.address.subdistrict_not_in_district"),
        (("99", "8405", "840503", "84360"), "onboarding.check.address.unknown_province"),
        (("84", "", "", ""), "onboarding.check.address.missing_district"),
    ],
)
def test_address(codes: tuple[str, str, str, str], key: str) -> None:
    assert check_address(*codes).key == key


@pytest.mark.parametrize(
    ("seller_type", "members", "key"),
    [
        ("community_enterprise", 7, "onboarding.check.members.ok"),
        ("community_enterprise", "๑๒", "onboarding.check.members.ok"),
        ("community_enterprise", 6, "onboarding.check.members.too_few"),
        ("community_enterprise", None, "onboarding.check.members.missing"),
        ("individual", None, "onboarding.check.members.ok"),
    ],
)
def test_members(seller_type: str, members: object, key: str) -> None:
    assert check_members(seller_type, members).key == key


def test_every_check_key_is_in_both_catalogs() -> None:
    from dashboard import i18n

    catalog = {lang: i18n.catalog(lang) for lang in i18n.LANGUAGES}
    samples = [
        check_national_id(""),
        check_national_id("3100600445636"),
        check_national_id("1"),
        check_national_id("0105536092641"),
        check_national_id("x" * 13),
        check_juristic_id("3100600445635"),
        check_juristic_id("0105536092642"),
        check_juristic_id("1"),
        check_ce_code("", required=True),
        check_ce_code("1-2"),
        check_ce_code("1" * 11),
        check_phone(""),
        check_phone("x"),
        check_phone("0812"),
        check_phone("021234567"),
        check_bank_account("", ""),
        check_bank_account("999", "1"),
        check_bank_account("034", "1"),
        check_promptpay("1"),
        check_members("community_enterprise", 1),
        check_members("community_enterprise", None),
        validators.check_seller_type("x"),
        validators.check_name("", ""),
        validators.check_name("ก" * 201, ""),
        *[
            check_address(*c)
            for c in [
                ("", "", "", ""),
                ("99", "", "", ""),
                ("84", "", "", ""),
                ("84", "9999", "", ""),
                ("84", "1001", "", ""),
                ("84", "8405", "", ""),
                ("84", "8405", "999999", ""),
                ("84", "8405", "840101", ""),
                ("84", "8405", "840503", ""),
                ("84", "8405", "840503", "1"),
            ]
        ],
    ]
    for result in samples:
        assert not result.ok
        assert result.key in catalog["en"], result.key
        # Every placeholder the message uses is a parameter the check gives.
        catalog["en"][result.key].format(**result.params)
        catalog["th"][result.key].format(**result.params)


@pytest.mark.parametrize(
    ("seller_type", "juristic", "states", "complete"),
    [
        (
            "individual",
            False,
            {
                "id_card_copy": "accepted",
                "bank_book_copy": "accepted",
                "house_registration": "waived",
            },
            True,
        ),
        (
            "individual",
            False,
            {
                "id_card_copy": "accepted",
                "bank_book_copy": "rejected",
                "house_registration": "accepted",
            },
            False,
        ),
        (
            "individual",
            True,
            {
                "id_card_copy": "accepted",
                "bank_book_copy": "accepted",
                "house_registration": "accepted",
            },
            False,
        ),  # certificate missing
        ("community_enterprise", False, {"id_card_copy": "accepted"}, False),
    ],
)
def test_checklist_complete(seller_type: str, juristic: bool, states: dict, complete: bool) -> None:
    assert checklist.checklist_status(seller_type, juristic, states).is_complete is complete


@pytest.mark.parametrize(
    ("item", "state", "note", "key"),
    [
        ("id_card_copy", "waived", "", "onboarding.checklist.note_required"),
        ("id_card_copy", "rejected", None, "onboarding.checklist.note_required"),
        ("passport", "accepted", None, "onboarding.checklist.unknown_item"),
        ("id_card_copy", "maybe", None, "onboarding.checklist.unknown_state"),
    ],
)
def test_checklist_refuses(item: str, state: str, note: str | None, key: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        checklist.validate_item("individual", False, item, state, note)
    assert exc.value.key == key
