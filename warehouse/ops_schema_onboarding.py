"""Ops DB tables of seller onboarding and listing moderation (SQLAlchemy Core).

Conventions follow the lake: ``*_at`` timestamps are naive Asia/Bangkok local time,
``is_*`` booleans, ``count_*`` counts. Users are referred to by ``user_id`` plus the
username at the time (``*_by`` / ``*_by_name``) so history reads without a join and
survives a renamed account.

Denormalised columns on ``ob_application`` (``count_open_flags``, ``count_check_errors``,
``is_checklist_complete``) are kept up to date in the same transaction as the change that
moves them; they let the queue of a 5,000-application province be one indexed query.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# grain: one row per reason an officer may give (rejection, suspension, listing decisions)
ob_reason_code = Table(
    "ob_reason_code",
    metadata,
    Column("reason_code", String(64), primary_key=True),
    Column(
        "kind", String(32), nullable=False
    ),  # application_reject, suspend, listing_reject, listing_changes
    Column("label_th", Text, nullable=False),
    Column("label_en", Text, nullable=False),
    Column("is_active", Boolean, nullable=False, default=True),
    Column("sort_order", Integer, nullable=False, default=0),
)

# grain: one row per seller application (current state; history in ob_application_event)
ob_application = Table(
    "ob_application",
    metadata,
    Column("application_id", String(64), primary_key=True),
    Column("source", String(16), nullable=False),  # feed, spreadsheet, officer
    Column("source_file", Text),
    Column("source_updated_at", DateTime),  # the feed row's updated_at, for idempotent import
    Column("seller_type", String(32)),
    Column("name_th", Text),
    Column("name_en", Text),
    Column("national_id", String(32)),  # digits only when it parsed; as written otherwise
    Column("juristic_id", String(32)),
    Column("ce_registration_code", String(32)),
    Column("count_members", Integer),
    Column("is_low_income", Boolean),
    Column("province_code", String(8), nullable=False),
    Column("district_code", String(8)),
    Column("subdistrict_code", String(8)),
    Column("postal_code", String(8)),
    Column("address_line", Text),  # house number, หมู่, road (revision s0001, sheets)
    Column("phone", String(32)),  # national form 0XXXXXXXXX when it parsed
    Column("bank_code", String(8)),
    Column("bank_account_no", String(32)),
    Column("promptpay_proxy", String(32)),
    Column("digital_centre_id", String(64)),
    Column("status", String(24), nullable=False),
    Column("submitted_at", DateTime, nullable=False),
    Column("decided_at", DateTime),
    Column("decided_by", Integer),
    Column("decided_by_name", String(128)),
    Column("reason_code", String(64)),
    Column("decision_note", Text),
    Column("seller_id", String(64)),
    Column("reviewer_id", Integer),  # the officer who took it into review
    Column("reviewer_name", String(128)),
    Column("entered_by", Integer),  # officer who filled the form or imported the sheet
    Column("entered_by_name", String(128)),
    Column("count_open_flags", Integer, nullable=False, default=0),
    Column("count_check_errors", Integer, nullable=False, default=0),
    Column("is_checklist_complete", Boolean, nullable=False, default=False),
    Column("checks_json", Text),  # the last validator results, for display without recompute
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
Index(
    "ix_ob_application_queue",
    ob_application.c.province_code,
    ob_application.c.status,
    ob_application.c.submitted_at,
)
Index("ix_ob_application_national_id", ob_application.c.national_id)
Index("ix_ob_application_juristic_id", ob_application.c.juristic_id)
Index("ix_ob_application_phone", ob_application.c.phone)
Index("ix_ob_application_bank", ob_application.c.bank_account_no, ob_application.c.bank_code)
Index("ix_ob_application_decided_at", ob_application.c.decided_at)

# grain: one row per status change of an application (the decisions export reads this)
ob_application_event = Table(
    "ob_application_event",
    metadata,
    Column("event_id", Integer, primary_key=True, autoincrement=True),
    Column("application_id", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("from_status", String(24)),
    Column("to_status", String(24), nullable=False),
    Column("reason_code", String(64)),
    Column("note", Text),
    Column("actor_id", Integer),
    Column("actor_name", String(128)),
    Column("at", DateTime, nullable=False),
)
Index("ix_ob_application_event_app", ob_application_event.c.application_id)
Index("ix_ob_application_event_at", ob_application_event.c.at)

# grain: one row per application per required document
ob_document_check = Table(
    "ob_document_check",
    metadata,
    Column("application_id", String(64), nullable=False),
    Column("item_code", String(64), nullable=False),
    Column("state", String(16), nullable=False),  # accepted, rejected, waived
    Column("note", Text),
    Column("checked_by", Integer),
    Column("checked_by_name", String(128)),
    Column("checked_at", DateTime, nullable=False),
    PrimaryKeyConstraint("application_id", "item_code"),
)

# grain: one row per application per record it may duplicate per matching field
ob_duplicate_flag = Table(
    "ob_duplicate_flag",
    metadata,
    Column("flag_id", Integer, primary_key=True, autoincrement=True),
    Column("application_id", String(64), nullable=False),
    Column("other_kind", String(16), nullable=False),  # application, seller
    Column("other_id", String(64), nullable=False),
    Column("other_province_code", String(8)),
    Column(
        "match_field", String(32), nullable=False
    ),  # national_id, juristic_id, bank_account, phone
    Column("match_value", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # open, distinct, duplicate
    Column("note", Text),
    Column("resolved_by", Integer),
    Column("resolved_by_name", String(128)),
    Column("resolved_at", DateTime),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("application_id", "other_kind", "other_id", "match_field", name="uq_ob_flag"),
)
Index("ix_ob_duplicate_flag_app", ob_duplicate_flag.c.application_id, ob_duplicate_flag.c.status)

# grain: one row per managed prohibited or restricted term
ob_restricted_term = Table(
    "ob_restricted_term",
    metadata,
    Column("term_id", Integer, primary_key=True, autoincrement=True),
    Column("term", Text, nullable=False),
    Column("language", String(4), nullable=False),  # th, en
    Column("severity", String(16), nullable=False),  # prohibited, restricted
    Column("is_active", Boolean, nullable=False, default=True),
    UniqueConstraint("term", "language", name="uq_ob_restricted_term"),
)

# grain: one row per version of a listing; the on-sale version is the newest approved one
ob_listing_version = Table(
    "ob_listing_version",
    metadata,
    Column("listing_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("seller_id", String(64), nullable=False),
    Column("province_code", String(8), nullable=False),
    Column("category_code", String(32)),
    Column("title_th", Text),
    Column("title_en", Text),
    Column("description", Text),
    Column("price_thb", Numeric(12, 2)),
    Column("weight_kg", Numeric(10, 3)),
    Column("is_perishable", Boolean),
    Column("temperature_class", String(16)),  # ambient, chilled, frozen
    Column("has_photo", Boolean),
    Column(
        "status", String(24), nullable=False
    ),  # pending, approved, rejected, changes_requested, superseded
    Column("count_check_problems", Integer, nullable=False, default=0),
    Column("checks_json", Text),
    Column("source_updated_at", DateTime),
    Column("submitted_at", DateTime, nullable=False),
    Column("decided_at", DateTime),
    Column("decided_by", Integer),
    Column("decided_by_name", String(128)),
    Column("reason_code", String(64)),
    Column("decision_note", Text),
    PrimaryKeyConstraint("listing_id", "version"),
)
Index(
    "ix_ob_listing_queue",
    ob_listing_version.c.province_code,
    ob_listing_version.c.status,
    ob_listing_version.c.submitted_at,
)
Index("ix_ob_listing_seller", ob_listing_version.c.seller_id)
Index("ix_ob_listing_decided_at", ob_listing_version.c.decided_at)

TABLES = (
    ob_reason_code,
    ob_application,
    ob_application_event,
    ob_document_check,
    ob_duplicate_flag,
    ob_restricted_term,
    ob_listing_version,
)

# Seed rows of the managed lists (the migration inserts them; admins edit them later).
REASON_CODES: tuple[tuple[str, str, str, str], ...] = (
    (
        "invalid_identity",
        "application_reject",
        "เอกสารยืนยันตัวตนไม่ถูกต้อง",
        "Identity documents invalid",
    ),
    (
        "duplicate",
        "application_reject",
        "ซ้ำกับผู้ขายหรือใบสมัครอื่น",
        "Duplicate of another seller or application",
    ),
    ("not_eligible", "application_reject", "ไม่เข้าเกณฑ์โครงการ", "Not eligible for the programme"),
    ("incomplete_documents", "application_reject", "เอกสารไม่ครบถ้วน", "Documents incomplete"),
    (
        "no_response",
        "application_reject",
        "ไม่ได้รับข้อมูลเพิ่มเติมตามกำหนด",
        "No response to a request for information",
    ),
    ("address_unverified", "application_reject", "ตรวจสอบที่อยู่ไม่ได้", "Address could not be verified"),
    ("fraud_suspected", "suspend", "สงสัยการทุจริต", "Fraud suspected"),
    ("complaints", "suspend", "มีข้อร้องเรียนจากผู้ซื้อ", "Buyer complaints"),
    ("inactive", "suspend", "ไม่มีการเคลื่อนไหว", "Inactive"),
    ("seller_request", "suspend", "ผู้ขายขอระงับ", "At the seller's request"),
    ("prohibited_item", "listing_reject", "สินค้าต้องห้าม", "Prohibited item"),
    ("misleading", "listing_reject", "ข้อมูลสินค้าไม่ตรงความจริง", "Misleading description"),
    ("price_unreasonable", "listing_reject", "ราคาไม่สมเหตุสมผล", "Unreasonable price"),
    ("duplicate_listing", "listing_reject", "รายการสินค้าซ้ำ", "Duplicate listing"),
    ("missing_information", "listing_changes", "ข้อมูลสินค้าไม่ครบ", "Missing information"),
    ("photo_required", "listing_changes", "ต้องมีรูปสินค้า", "A product photo is required"),
    (
        "cold_chain_required",
        "listing_changes",
        "ต้องเลือกการขนส่งแบบควบคุมอุณหภูมิ",
        "Temperature-controlled shipping required",
    ),
)

RESTRICTED_TERMS: tuple[tuple[str, str, str], ...] = (
    ("กัญชา", "th", "restricted"),
    ("กระท่อม", "th", "restricted"),
    ("ยาเสพติด", "th", "prohibited"),
    ("อาวุธปืน", "th", "prohibited"),
    ("กระสุน", "th", "prohibited"),
    ("งาช้าง", "th", "prohibited"),
    ("สัตว์ป่าคุ้มครอง", "th", "prohibited"),
    ("บุหรี่ไฟฟ้า", "th", "prohibited"),
    ("สุรา", "th", "restricted"),
    ("ยาแผนโบราณ", "th", "restricted"),
    ("cannabis", "en", "restricted"),
    ("kratom", "en", "restricted"),
    ("firearm", "en", "prohibited"),
    ("ammunition", "en", "prohibited"),
    ("ivory", "en", "prohibited"),
    ("e-cigarette", "en", "prohibited"),
    ("vape", "en", "prohibited"),
    ("liquor", "en", "restricted"),
    ("counterfeit", "en", "prohibited"),
)
