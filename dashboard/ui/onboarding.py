"""Onboarding on screen: the fields an application shows, in order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geothai

from dashboard import formatting
from dashboard.identity.user import User
from dashboard.onboarding import office, scope, validators
from dashboard.ui import lake
from dashboard.ui.text import language, t
from warehouse.settings import load_settings

# National office figures read every application in the country (59,000 at the large
# demo's scale: ~1 s); they are kept this long. A province's figures are read fresh, so an
# officer sees their own decision at once.
NATIONAL_FIGURES_TTL_S = 60

# Application fields shown on its page, in order: (field, catalog key of the label).
APPLICATION_FIELDS: tuple[tuple[str, str], ...] = (
    ("name_en", "applications.field.name_en"),
    ("national_id", "applications.field.national_id"),
    ("juristic_id", "applications.field.juristic_id"),
    ("ce_registration_code", "applications.field.ce_registration_code"),
    ("count_members", "applications.field.count_members"),
    ("phone", "applications.field.phone"),
    ("bank_code", "applications.field.bank_code"),
    ("bank_account_no", "applications.field.bank_account_no"),
    ("promptpay_proxy", "applications.field.promptpay_proxy"),
    ("address_line", "applications.field.address_line"),  # sheets: house number and หมู่
    ("subdistrict_code", "applications.field.subdistrict_code"),
    ("postal_code", "applications.field.postal_code"),
    ("entered_by_name", "applications.field.entered_by"),
    ("seller_id", "applications.field.seller_id"),
)


def application_fields(app: Mapping[str, Any]) -> list[dict[str, str]]:
    """(label, value) rows of an application's fields for ``tables.show_lines``."""
    rows = [
        {"label": t(key), "value": formatting.MISSING if app.get(f) in (None, "") else app[f]}
        for f, key in APPLICATION_FIELDS
    ]
    bank = validators.BANKS.get(str(app.get("bank_code") or ""))
    if bank is not None:  # the bank by its abbreviation, its code beside it
        label = t("applications.field.bank_code")
        for row in rows:
            if row["label"] == label:
                row["value"] = t("sheets.bank_value", name=bank, code=app["bank_code"])
    sub = geothai.subdistrict(str(app.get("subdistrict_code") or ""))
    if sub is not None:  # the subdistrict by name, its code beside it
        label = t("applications.field.subdistrict_code")
        name = sub.name_th if language() == "th" else sub.name_en
        for row in rows:
            if row["label"] == label:
                row["value"] = t("sheets.subdistrict_value", name=name, code=sub.code)
    return rows


@lake.lake_cache(ttl=NATIONAL_FIGURES_TTL_S)
def _national_office_figures(
    user: User, province_code: str | None, lake_catalog: str, lake_data_path: str
) -> office.OfficeFigures:
    # Keyed by the whole user, as the home figures are; the reader is looked up here.
    return office.office_figures(user, province_code=province_code, lake=lake.reader_or_none())


def office_figures(user: User, province_code: str | None) -> office.OfficeFigures:
    """The office view's figures: national ones cached for a minute (and until a load),
    a province's read fresh."""
    if scope.visible_provinces(user) is None:
        settings = load_settings()
        return _national_office_figures(
            user, province_code, settings.lake_catalog, settings.lake_data_path
        )
    settings = load_settings()
    sales = _seller_sales(
        office.sales_scope(user, province_code), settings.lake_catalog, settings.lake_data_path
    )
    return office.office_figures(user, province_code=province_code, sales=sales)


@lake.lake_cache
def _seller_sales(
    provinces: tuple[str, ...] | None, lake_catalog: str, lake_data_path: str
) -> office.SellerSales:
    # Keyed by the provinces the service derived from the signed-in user; the lake's
    # sales change only with a load, which clears this cache.
    return office.seller_sales(provinces, lake.reader_or_none())


def is_national(user: User) -> bool:
    return scope.visible_provinces(user) is None
