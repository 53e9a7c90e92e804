"""Seller onboarding and listing moderation: applications, their events, document
checklists, duplicate flags, listing versions and the managed lists (reason codes,
prohibited/restricted terms), seeded here.

Timestamps in these tables are naive Asia/Bangkok local time, like the lake's.

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

REASON_CODES = (
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

RESTRICTED_TERMS = (
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


def upgrade() -> None:
    op.create_table(
        "ob_reason_code",
        sa.Column("reason_code", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("label_th", sa.Text(), nullable=False),
        sa.Column("label_en", sa.Text(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("sort_order", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_table(
        "ob_application",
        sa.Column("application_id", sa.String(64), primary_key=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("source_file", sa.Text()),
        sa.Column("source_updated_at", sa.DateTime()),
        sa.Column("seller_type", sa.String(32)),
        sa.Column("name_th", sa.Text()),
        sa.Column("name_en", sa.Text()),
        sa.Column("national_id", sa.String(32)),
        sa.Column("juristic_id", sa.String(32)),
        sa.Column("ce_registration_code", sa.String(32)),
        sa.Column("count_members", sa.Integer()),
        sa.Column("is_low_income", sa.Boolean()),
        sa.Column("province_code", sa.String(8), nullable=False),
        sa.Column("district_code", sa.String(8)),
        sa.Column("subdistrict_code", sa.String(8)),
        sa.Column("postal_code", sa.String(8)),
        sa.Column("phone", sa.String(32)),
        sa.Column("bank_code", sa.String(8)),
        sa.Column("bank_account_no", sa.String(32)),
        sa.Column("promptpay_proxy", sa.String(32)),
        sa.Column("digital_centre_id", sa.String(64)),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime()),
        sa.Column("decided_by", sa.Integer()),
        sa.Column("decided_by_name", sa.String(128)),
        sa.Column("reason_code", sa.String(64)),
        sa.Column("decision_note", sa.Text()),
        sa.Column("seller_id", sa.String(64)),
        sa.Column("reviewer_id", sa.Integer()),
        sa.Column("reviewer_name", sa.String(128)),
        sa.Column("entered_by", sa.Integer()),
        sa.Column("entered_by_name", sa.String(128)),
        sa.Column("count_open_flags", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("count_check_errors", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("is_checklist_complete", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("checks_json", sa.Text()),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_ob_application_bank", "ob_application", ["bank_account_no", "bank_code"])
    op.create_index("ix_ob_application_decided_at", "ob_application", ["decided_at"])
    op.create_index("ix_ob_application_juristic_id", "ob_application", ["juristic_id"])
    op.create_index("ix_ob_application_national_id", "ob_application", ["national_id"])
    op.create_index("ix_ob_application_phone", "ob_application", ["phone"])
    op.create_index(
        "ix_ob_application_queue", "ob_application", ["province_code", "status", "submitted_at"]
    )
    op.create_table(
        "ob_application_event",
        sa.Column("event_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("application_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("from_status", sa.String(24)),
        sa.Column("to_status", sa.String(24), nullable=False),
        sa.Column("reason_code", sa.String(64)),
        sa.Column("note", sa.Text()),
        sa.Column("actor_id", sa.Integer()),
        sa.Column("actor_name", sa.String(128)),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_ob_application_event_app", "ob_application_event", ["application_id"])
    op.create_index("ix_ob_application_event_at", "ob_application_event", ["at"])
    op.create_table(
        "ob_document_check",
        sa.Column("application_id", sa.String(64)),
        sa.Column("item_code", sa.String(64)),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("checked_by", sa.Integer()),
        sa.Column("checked_by_name", sa.String(128)),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("application_id", "item_code", name="pk_ob_document_check"),
    )
    op.create_table(
        "ob_duplicate_flag",
        sa.Column("flag_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("application_id", sa.String(64), nullable=False),
        sa.Column("other_kind", sa.String(16), nullable=False),
        sa.Column("other_id", sa.String(64), nullable=False),
        sa.Column("other_province_code", sa.String(8)),
        sa.Column("match_field", sa.String(32), nullable=False),
        sa.Column("match_value", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("resolved_by", sa.Integer()),
        sa.Column("resolved_by_name", sa.String(128)),
        sa.Column("resolved_at", sa.DateTime()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint(
            "application_id", "other_kind", "other_id", "match_field", name="uq_ob_flag"
        ),
    )
    op.create_index("ix_ob_duplicate_flag_app", "ob_duplicate_flag", ["application_id", "status"])
    op.create_table(
        "ob_restricted_term",
        sa.Column("term_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("language", sa.String(4), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.UniqueConstraint("term", "language", name="uq_ob_restricted_term"),
    )
    op.create_table(
        "ob_listing_version",
        sa.Column("listing_id", sa.String(64)),
        sa.Column("version", sa.Integer()),
        sa.Column("seller_id", sa.String(64), nullable=False),
        sa.Column("province_code", sa.String(8), nullable=False),
        sa.Column("category_code", sa.String(32)),
        sa.Column("title_th", sa.Text()),
        sa.Column("title_en", sa.Text()),
        sa.Column("description", sa.Text()),
        sa.Column("price_thb", sa.Numeric(12, 2)),
        sa.Column("weight_kg", sa.Numeric(10, 3)),
        sa.Column("is_perishable", sa.Boolean()),
        sa.Column("temperature_class", sa.String(16)),
        sa.Column("has_photo", sa.Boolean()),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("count_check_problems", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("checks_json", sa.Text()),
        sa.Column("source_updated_at", sa.DateTime()),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime()),
        sa.Column("decided_by", sa.Integer()),
        sa.Column("decided_by_name", sa.String(128)),
        sa.Column("reason_code", sa.String(64)),
        sa.Column("decision_note", sa.Text()),
        sa.PrimaryKeyConstraint("listing_id", "version", name="pk_ob_listing_version"),
    )
    op.create_index("ix_ob_listing_decided_at", "ob_listing_version", ["decided_at"])
    op.create_index(
        "ix_ob_listing_queue", "ob_listing_version", ["province_code", "status", "submitted_at"]
    )
    op.create_index("ix_ob_listing_seller", "ob_listing_version", ["seller_id"])

    reason = sa.table(
        "ob_reason_code",
        sa.column("reason_code"),
        sa.column("kind"),
        sa.column("label_th"),
        sa.column("label_en"),
        sa.column("is_active"),
        sa.column("sort_order"),
    )
    op.bulk_insert(
        reason,
        [
            dict(reason_code=c, kind=k, label_th=th, label_en=en, is_active=True, sort_order=i)
            for i, (c, k, th, en) in enumerate(REASON_CODES)
        ],
    )
    term = sa.table(
        "ob_restricted_term",
        sa.column("term"),
        sa.column("language"),
        sa.column("severity"),
        sa.column("is_active"),
    )
    op.bulk_insert(
        term,
        [
            dict(term=t, language=lang, severity=sev, is_active=True)
            for t, lang, sev in RESTRICTED_TERMS
        ],
    )


def downgrade() -> None:
    for name in [
        "ob_listing_version",
        "ob_restricted_term",
        "ob_duplicate_flag",
        "ob_document_check",
        "ob_application_event",
        "ob_application",
        "ob_reason_code",
    ]:
        op.drop_table(name)
