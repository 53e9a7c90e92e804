"""The programme's vocabulary, typed once: codes both the ETL and the app agree on.

Feeds validate against these (``etl/feeds/specs.py``), the demo writes them, the services
and pages filter and label by them (``onboarding.status.<code>`` and the like in the
catalogs). A new code is added here and gets its catalog entries; nothing else re-types it.
"""

from __future__ import annotations

# Seller types (DOMAIN.md, "Sellers and products").
SELLER_TYPES: tuple[str, ...] = (
    "community_enterprise",
    "otop_producer",
    "farmer_group",
    "housewife_group",
    "individual",
)

# Seller applications: the states of ``dashboard.onboarding.workflow``.
APPLICATION_OPEN_STATUSES: tuple[str, ...] = (
    "submitted",
    "in_review",
    "needs_information",
    "resubmitted",
)
APPLICATION_DECIDED_STATUSES: tuple[str, ...] = ("approved", "rejected")
# What the marketplace's applications feed may report (it never suspends a seller).
APPLICATION_FEED_STATUSES: tuple[str, ...] = (
    *APPLICATION_OPEN_STATUSES,
    *APPLICATION_DECIDED_STATUSES,
)
APPLICATION_STATUSES: tuple[str, ...] = (*APPLICATION_FEED_STATUSES, "suspended")
# An approved seller stays a seller while suspended (their sales still count).
SELLER_APPLICATION_STATUSES: tuple[str, ...] = ("approved", "suspended")
# Workflow actions that are decisions (the export, "days to decision", the workload).
DECISION_ACTIONS: tuple[str, ...] = (
    "approve",
    "reject",
    "request_information",
    "suspend",
    "reinstate",
)

# Listings.
CATEGORIES: tuple[str, ...] = ("food", "beverage", "textile", "household", "herbal")
LISTING_FEED_STATUSES: tuple[str, ...] = ("pending", "approved", "rejected", "changes_requested")
# The moderation queue's statuses (a version replaced before review is "superseded").
LISTING_QUEUE_STATUSES: tuple[str, ...] = ("pending", "changes_requested", "approved", "rejected")
TEMPERATURE_CLASSES: tuple[str, ...] = ("ambient", "chilled", "frozen")

# Orders. A *paid order* is one whose money the buyer paid and did not get back: the
# statuses below. "Sales" everywhere in the app is the goods value (``subtotal_thb``,
# shipping and discounts excluded) of paid orders: the lake view ``mart_paid_order``.
ORDER_STATUSES: tuple[str, ...] = (
    "pending_payment",
    "paid",
    "shipped",
    "delivered",
    "cancelled",
    "returned",
    "refunded",
)
PAID_ORDER_STATUSES: tuple[str, ...] = ("paid", "shipped", "delivered")

# Payments.
PAYMENT_CHANNELS: tuple[str, ...] = (
    "promptpay",
    "card",
    "mobile_banking",
    "counter",
    "ewallet",
    "cod",
)
TXN_TYPES: tuple[str, ...] = ("charge", "refund", "chargeback", "cod")
PAYOUT_STATUSES: tuple[str, ...] = ("scheduled", "paid", "held", "failed")

# The branch network.
BRANCH_TYPES: tuple[str, ...] = ("post_office", "licensed_post_office", "counter", "shop")
