"""Duplicates across provinces are flagged on both records and block approval."""

from __future__ import annotations

import pytest

from dashboard.errors import NotFound, ValidationFailed
from dashboard.onboarding import duplicates, workflow

from .helpers import new_application
from .lake import write_lake


def _open_flags(user, app_id):
    flags = duplicates.flags_for(user, app_id)
    return flags.filter(flags["status"] == "open")


def test_same_national_id_in_two_provinces_is_flagged_on_both(ops_db_url, users, app_data) -> None:
    first = app_data("82")
    pn_id = new_application(users["pn_a"], first)
    bkk_id = new_application(users["bkk"], app_data("10", national_id=first["national_id"]))

    pn_flags = _open_flags(users["pn_a"], pn_id)
    bkk_flags = _open_flags(users["bkk"], bkk_id)
    assert pn_flags.select(
        "other_kind", "other_id", "other_province_code", "match_field"
    ).rows() == [("application", bkk_id, "10", "national_id")]
    assert bkk_flags.select(
        "other_kind", "other_id", "other_province_code", "match_field"
    ).rows() == [("application", pn_id, "82", "national_id")]

    with pytest.raises(ValidationFailed) as exc:
        workflow.approve(users["pn_a"], pn_id)
    assert exc.value.key == "onboarding.workflow.blocked.open_flags"


def test_bank_account_and_phone_match_too(ops_db_url, users, app_data) -> None:
    first = app_data("82")
    a = new_application(users["pn_a"], first)
    b = new_application(
        users["pn_a"],
        app_data(
            "82",
            phone=first["phone"].replace("08", "+668", 1),
            bank_account_no="-".join([first["bank_account_no"][:4], first["bank_account_no"][4:]]),
        ),
    )
    fields = sorted(_open_flags(users["pn_a"], b)["match_field"].to_list())
    assert fields == ["bank_account", "phone"]
    assert sorted(_open_flags(users["pn_a"], a)["match_field"].to_list()) == [
        "bank_account",
        "phone",
    ]


def test_resolve_distinct_then_approve(ops_db_url, users, app_data) -> None:
    first = app_data("82")
    a = new_application(users["pn_a"], first)
    b = new_application(users["bkk"], app_data("10", national_id=first["national_id"]))
    flag_id = int(_open_flags(users["pn_a"], a)["flag_id"][0])
    with pytest.raises(NotFound):  # a flag on another province's application: as if none
        duplicates.resolve(users["bkk"], flag_id, "distinct", "not mine to say")
    with pytest.raises(ValidationFailed):
        duplicates.resolve(users["pn_a"], flag_id, "distinct", "")
    duplicates.resolve(users["pn_a"], flag_id, "distinct", "ตรวจบัตรแล้ว คนละคน (พิมพ์ผิด)")
    assert workflow.approve(users["pn_a"], a)["status"] == "approved"
    # The other office still has to resolve its own side.
    assert len(_open_flags(users["bkk"], b)) == 1


def test_reject_as_duplicate(ops_db_url, users, app_data) -> None:
    first = app_data("82")
    a = new_application(users["pn_a"], first)
    new_application(users["bkk"], app_data("10", national_id=first["national_id"]))
    flag_id = int(_open_flags(users["pn_a"], a)["flag_id"][0])
    duplicates.resolve(users["pn_a"], flag_id, "duplicate", "สมัครซ้ำที่กรุงเทพฯ")
    app = workflow.get(users["pn_a"], a)
    assert (app["status"], app["reason_code"]) == ("rejected", "duplicate")


def test_existing_seller_in_the_lake_is_flagged(sqlite_db, users, app_data) -> None:
    data = app_data("82")
    write_lake(
        dim_seller=[
            {
                "seller_id": "S-LAKE-1",
                "national_id": data["national_id"],
                "province_code": "50",
                "phone": "086-000-0000",
                "bank_code": "004",
                "bank_account_no": "1111111111",
                "status": "active",
            }
        ]
    )
    app_id = new_application(users["pn_a"], data)
    flags = _open_flags(users["pn_a"], app_id)
    assert flags.select("other_kind", "other_id", "other_province_code", "match_field").rows() == [
        ("seller", "S-LAKE-1", "50", "national_id")
    ]
