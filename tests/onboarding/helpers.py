"""Shared steps of the onboarding tests (real services, real DB)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import geothai

from dashboard.identity.user import User
from dashboard.onboarding import checklist, imports, workflow


def new_application(officer: User, data: dict[str, Any], *, clean: bool = True) -> str:
    """Create an application as ``officer``; with ``clean``, accept every document."""
    app = imports.create_application(officer, data)
    if clean:
        accept_documents(officer, app["application_id"], app)
    return app["application_id"]


def accept_documents(officer: User, application_id: str, app: dict[str, Any] | None = None) -> None:
    app = app or workflow.get(officer, application_id)
    for item in checklist.required_documents(
        app["seller_type"], has_juristic_id=bool(app["juristic_id"])
    ):
        workflow.set_document(officer, application_id, item, "accepted")


def make_pin(first12: str) -> str:
    """A valid 13-digit Thai ID from its first 12 digits (weights 13…2, DOMAIN.md)."""
    s = sum((13 - i) * int(d) for i, d in enumerate(first12)) % 11
    return first12 + str((11 - s) % 10)


def address(province_code: str, district_index: int = 0) -> dict[str, str]:
    district = geothai.districts(province_code)[district_index]
    sub = geothai.subdistricts(district.code)[0]
    return {
        "province_code": province_code,
        "district_code": district.code,
        "subdistrict_code": sub.code,
        "postal_code": sub.postal_codes[0],
    }


_counter = iter(range(1, 10**9))


def application_factory() -> Callable[..., dict[str, Any]]:
    """A valid community-enterprise application in Phang Nga; keywords override fields."""

    def make(province_code: str = "82", **overrides: Any) -> dict[str, Any]:
        n = next(_counter)
        data = {
            "seller_type": "community_enterprise",
            "name_th": f"วิสาหกิจชุมชนทดสอบ {n}",
            "name_en": f"Test community enterprise {n}",
            "national_id": make_pin(f"3{n:011d}"),
            "ce_registration_code": f"4-{province_code}-01-01/1-{n % 10000:04d}",
            "count_members": 12,
            "phone": f"08{n % 100_000_000:08d}",
            "bank_code": "034",
            "bank_account_no": f"{n:012d}",
            "promptpay_proxy": None,
            **address(province_code),
        }
        data.update(overrides)
        return data

    return make
