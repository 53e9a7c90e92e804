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

# ---------------------------------------------------------------- payments (issue 9)
# The three money rails that reconciliation follows (dashboard/payments/recon.py).
PAYMENT_RAILS: tuple[str, ...] = ("gateway", "counter", "cod")
# Every break the reconciliation engine classifies (warehouse/sql/payments/breaks.sql);
# catalog keys payments.class.<code>.
BREAK_CLASSES: tuple[str, ...] = (
    "missing_settlement",
    "late_settlement",
    "amount_mismatch",
    "duplicate_payment",
    "orphan_settlement",
    "orphan_credit",
    "fee_variance",
    "unfunded_batch",
    "cod_not_remitted",
    "refund_without_charge",
    "chargeback",
)
# A reconciliation case's states (ops table pay_case).
CASE_STATUSES: tuple[str, ...] = ("open", "pending_approval", "resolved", "closed_by_data")
CASE_OPEN_STATUSES: tuple[str, ...] = ("open", "pending_approval")
# How an officer resolves a case; catalog keys payments.resolution.<code>.
RESOLUTION_CODES: tuple[str, ...] = (
    "matched_by_hand",
    "refunded",
    "written_off",
    "escalated",
    "not_a_break",
)
# Why a case closed itself on a rerun (the data resolved it); payments.closed_reason.<code>.
CLOSED_BY_DATA_REASONS: tuple[str, ...] = (
    "settlement_arrived",
    "amount_corrected",
    "credit_arrived",
    "remittance_arrived",
    "record_matched",
    "no_longer_found",
)
# Counter bill payments: what the bank says the buyer used.
COUNTER_CHANNELS: tuple[str, ...] = ("counter", "atm", "internet", "mobile")
# Why a bank returned a payout (payout_returns feed).
PAYOUT_RETURN_REASONS: tuple[str, ...] = (
    "account_closed",
    "invalid_account",
    "name_mismatch",
    "account_frozen",
    "other",
)
# Why a seller's payout is held; catalog keys payments.hold.<code>. The first ones an
# officer places by hand, the others the payout run derives (the lake, the queue, a return).
MANUAL_HOLD_REASONS: tuple[str, ...] = ("investigation", "seller_request", "documents", "other")
AUTOMATIC_HOLD_REASONS: tuple[str, ...] = (
    "open_break",
    "chargeback",
    "returned_parcel",
    "bad_bank_account",
    "shared_bank_account",
    "seller_suspended",
    "bank_returned",
)
HOLD_REASONS: tuple[str, ...] = (*MANUAL_HOLD_REASONS, *AUTOMATIC_HOLD_REASONS)
# A payout's state on the payouts page (the next run's view of a seller).
PAYOUT_SCHEDULE_STATUSES: tuple[str, ...] = ("scheduled", "held", "below_minimum")
# --- logistics ---------------------------------------------------------------------------
# Delivery services (fct_order.service_code, the shipments feed); their standards in
# working days are the lake table ref_service_standard (migration 0020).
SERVICE_CODES: tuple[str, ...] = ("EMS", "REG", "PCL", "LGP", "LGP_PLUS", "COLD")
# A parcel label's cold-chain class; chilled and frozen are monitored.
COLD_CHAIN_CLASSES: tuple[str, ...] = ("ambient", "chilled", "frozen")
# A shipment's status, read off its events (etl/load/shipment_state.py): the status of its
# last parcel event by TRACKING_STATUS_OF, except that a delivery (first 501 before any
# return) makes it delivered and a 203 returned. "unknown": the last event's code is not
# one we know (kept as it came in last_status_code); "label_created": no event yet.
SHIPMENT_STATUSES: tuple[str, ...] = (
    "label_created",
    "accepted",
    "cancelled",
    "in_transit",
    "at_mail_centre",
    "at_branch",
    "out_for_delivery",
    "at_pickup_point",
    "delivery_failed",
    "delivered",
    "returned",
    "unknown",
)
TRACKING_STATUS_OF: dict[str, str] = {
    "101": "label_created",
    "102": "accepted",
    "103": "accepted",
    "104": "cancelled",
    "201": "in_transit",
    "202": "in_transit",
    "203": "returned",
    "204": "in_transit",
    "205": "in_transit",
    "206": "at_branch",
    "207": "in_transit",
    "211": "at_mail_centre",
    "301": "out_for_delivery",
    "302": "at_pickup_point",
    "401": "delivery_failed",
    "402": "delivery_failed",
    "501": "delivered",
}
# Events about money, not about where the parcel is (COD paid to the seller).
MONEY_TRACKING_CODES: tuple[str, ...] = ("901",)
# Branches on islands form their own peer group in the scorecards (their parcels cross
# water): the DOPA districts of the inhabited islands with post offices. Remote mainland
# branches have no mark in the branch master yet and rank with their type.
ISLAND_DISTRICTS: tuple[str, ...] = (
    "8301",  # Mueang Phuket
    "8302",  # Kathu (Phuket)
    "8303",  # Thalang (Phuket)
    "8404",  # Ko Samui
    "8405",  # Ko Pha-ngan
    "8103",  # Ko Lanta
    "8208",  # Ko Yao
    "2306",  # Ko Kut
    "2307",  # Ko Chang
    "2009",  # Ko Si Chang
)
