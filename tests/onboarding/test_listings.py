"""Listing moderation: automatic checks, decisions, versions, bulk decisions, scope."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from dashboard.errors import Conflict, NotFound, ValidationFailed
from dashboard.identity import authz
from dashboard.onboarding import listing_decisions, listing_import, listings
from dashboard.onboarding.listing_checks import Term, listing_checks

from .lake import write_lake

TERMS = [Term("กัญชา", "th", "restricted"), Term("ivory", "en", "prohibited")]
MEDIANS = {"food": Decimal("100")}
GOOD = {
    "seller_id": "S1",
    "category_code": "food",
    "title_th": "น้ำพริกกุ้งเสียบ",
    "title_en": "Chili paste",
    "price_thb": Decimal("120"),
    "weight_kg": 0.2,
    "is_perishable": False,
    "temperature_class": "ambient",
    "has_photo": True,
}


@pytest.mark.parametrize(
    ("changes", "keys"),
    [
        ({}, []),
        ({"has_photo": False}, ["onboarding.listing.photo.missing"]),
        ({"weight_kg": None}, ["onboarding.listing.weight.missing"]),
        ({"category_code": None}, ["onboarding.listing.category.missing"]),
        ({"price_thb": Decimal("501")}, ["onboarding.listing.price.too_high"]),
        ({"price_thb": Decimal("500")}, []),  # exactly 5× is still fine
        ({"price_thb": Decimal("19.99")}, ["onboarding.listing.price.too_low"]),
        ({"title_th": "ชาใบกัญชาอบแห้ง"}, ["onboarding.listing.terms.restricted"]),
        ({"title_en": "Carved Ivory bracelet"}, ["onboarding.listing.terms.prohibited"]),
        ({"title_en": "Ivorycoast coffee"}, []),  # English terms match whole words only
        ({"is_perishable": True}, ["onboarding.listing.perishable.no_cold_chain"]),
        ({"is_perishable": True, "temperature_class": "chilled"}, []),
    ],
)
def test_listing_checks(changes: dict, keys: list[str]) -> None:
    found = listing_checks({**GOOD, **changes}, category_medians=MEDIANS, terms=TERMS)
    assert [c.key for c in found] == keys


def test_same_seller_same_product_twice() -> None:
    found = listing_checks(
        GOOD, category_medians=MEDIANS, terms=TERMS, same_seller_titles={"chili paste"}
    )
    assert [c.key for c in found] == ["onboarding.listing.duplicate.same_seller_same_product"]


def _lake_listings() -> None:
    t = datetime(2025, 6, 1, 9)
    write_lake(
        dim_seller=[
            {"seller_id": "S-PN", "province_code": "82", "status": "active"},
            {"seller_id": "S-BKK", "province_code": "10", "status": "active"},
        ],
        dim_listing=[
            # Approved listings set the category median: food 100.
            *[
                {
                    "listing_id": f"L-OLD-{i}",
                    "seller_id": "S-BKK",
                    "category_code": "food",
                    "title_th": f"ขนม {i}",
                    "price_thb": Decimal(p),
                    "weight_kg": 0.5,
                    "has_photo": True,
                    "is_perishable": False,
                    "temperature_class": "ambient",
                    "status": "approved",
                    "created_at": t,
                    "updated_at": t,
                }
                for i, p in enumerate(["90", "100", "110"])
            ],
            {
                "listing_id": "L-1",
                "seller_id": "S-PN",
                "category_code": "food",
                "title_th": "กะปิเคย",
                "price_thb": Decimal("95"),
                "weight_kg": 0.3,
                "has_photo": True,
                "is_perishable": False,
                "temperature_class": "ambient",
                "status": "pending",
                "created_at": t,
                "updated_at": t,
            },
            {
                "listing_id": "L-2",
                "seller_id": "S-PN",
                "category_code": "food",
                "title_th": "กุ้งสด",
                "price_thb": Decimal("900"),
                "weight_kg": 1.0,
                "has_photo": False,
                "is_perishable": True,
                "temperature_class": "ambient",
                "status": "pending",
                "created_at": t,
                "updated_at": t,
            },
        ],
    )


def test_queue_checks_and_decisions(sqlite_db, users) -> None:
    _lake_listings()
    result = listing_import.import_from_lake(authz.CLI_ACTOR)
    assert result.inserted == 5
    assert listing_import.import_from_lake(authz.CLI_ACTOR).inserted == 0  # idempotent

    officer = users["pn_a"]
    q = listings.moderation_queue(officer)
    assert q["listing_id"].to_list() == ["L-1", "L-2"]
    assert listings.moderation_queue(users["bkk"]).height == 0  # all of Bangkok's are approved
    shown = listings.get_listing(officer, "L-2")
    assert sorted(c["key"] for c in shown["checks"]) == [
        "onboarding.listing.perishable.no_cold_chain",
        "onboarding.listing.photo.missing",
        "onboarding.listing.price.too_high",
    ]

    with pytest.raises(ValidationFailed):
        listing_decisions.decide(officer, "L-2", 1, "reject")  # a reason is required
    listing_decisions.decide(
        officer,
        "L-2",
        1,
        "request_changes",
        reason_code="cold_chain_required",
        note="ต้องส่งแบบแช่เย็น",
    )
    listing_decisions.decide(officer, "L-1", 1, "approve")
    with pytest.raises(Conflict) as exc:
        listing_decisions.decide(users["pn_b"], "L-1", 1, "reject", reason_code="misleading")
    assert exc.value.params["by"] == "pn_officer_a"

    # Another province's listing answers as a missing one.
    with pytest.raises(NotFound) as seen:
        listings.get_listing(users["bkk"], "L-1")
    assert seen.value.key == "onboarding.listing.not_found"
    with pytest.raises(NotFound):
        listing_decisions.decide(users["bkk"], "L-2", 1, "approve")


def test_edit_of_approved_listing_goes_back_to_review_while_approved_stays_on_sale(
    sqlite_db, users
) -> None:
    _lake_listings()
    listing_import.import_from_lake(authz.CLI_ACTOR)
    officer = users["pn_a"]
    listing_decisions.decide(officer, "L-1", 1, "approve")
    edited = listings.submit_edit(
        officer, "L-1", {"price_thb": Decimal("99"), "title_th": "กะปิเคยแท้"}
    )
    assert edited["version"] == 2 and edited["status"] == "pending"
    on_sale = listings.on_sale_version("L-1")
    assert (on_sale["version"], on_sale["title_th"]) == (1, "กะปิเคย")
    assert listings.moderation_queue(officer).filter(
        listings.moderation_queue(officer)["listing_id"] == "L-1"
    )["has_approved_version"].to_list() == [True]

    listing_decisions.decide(
        officer, "L-1", 2, "reject", reason_code="misleading", note="ไม่ใช่เคยแท้"
    )
    assert listings.on_sale_version("L-1")["version"] == 1  # rejected edit: old one stays

    listings.submit_edit(officer, "L-1", {"price_thb": Decimal("98")})
    listing_decisions.decide(officer, "L-1", 3, "approve")
    assert listings.on_sale_version("L-1")["version"] == 3
    versions = {v["version"]: v["status"] for v in listings.get_listing(officer, "L-1")["versions"]}
    assert versions == {1: "superseded", 2: "rejected", 3: "approved"}


def test_feed_edit_makes_a_new_version(sqlite_db, users) -> None:
    _lake_listings()
    listing_import.import_from_lake(authz.CLI_ACTOR)
    listing_decisions.decide(users["pn_a"], "L-1", 1, "approve")
    write_lake(
        dim_listing=[
            {
                "listing_id": "L-1",
                "seller_id": "S-PN",
                "category_code": "food",
                "title_th": "กะปิเคย",
                "price_thb": Decimal("105"),
                "weight_kg": 0.3,
                "has_photo": True,
                "is_perishable": False,
                "temperature_class": "ambient",
                "status": "pending",
                "created_at": datetime(2025, 6, 1, 9),
                "updated_at": datetime(2025, 6, 5, 9),
            }
        ]
    )
    result = listing_import.import_from_lake(authz.CLI_ACTOR)
    assert result.new_versions == 1
    assert listings.on_sale_version("L-1")["version"] == 1
    assert listings.get_listing(users["pn_a"], "L-1")["latest"]["status"] == "pending"


def test_bulk_decisions_with_a_reason(sqlite_db, users) -> None:
    _lake_listings()
    listing_import.import_from_lake(authz.CLI_ACTOR)
    result = listing_decisions.bulk_decide(
        users["pn_a"],
        [("L-1", 1), ("L-2", 1), ("L-OLD-0", 1)],
        "reject",
        reason_code="price_unreasonable",
        note="ราคาไม่ตรงตลาด",
    )
    assert result.decided == [("L-1", 1), ("L-2", 1)]
    assert result.refused == {"L-OLD-0/1": "onboarding.listing.not_found"}
