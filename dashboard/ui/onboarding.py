"""Onboarding on screen: the fields an application shows, in order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dashboard import formatting
from dashboard.ui.text import t

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
    ("subdistrict_code", "applications.field.subdistrict_code"),
    ("postal_code", "applications.field.postal_code"),
    ("entered_by_name", "applications.field.entered_by"),
    ("seller_id", "applications.field.seller_id"),
)


def application_fields(app: Mapping[str, Any]) -> list[dict[str, str]]:
    """(label, value) rows of an application's fields for ``tables.show_lines``."""
    return [
        {"label": t(key), "value": formatting.MISSING if app.get(f) in (None, "") else app[f]}
        for f, key in APPLICATION_FIELDS
    ]
