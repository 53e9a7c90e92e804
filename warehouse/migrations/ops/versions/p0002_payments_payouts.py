"""Payments (issue 9): seller payout holds, payout runs (each with its bank file) and the
payouts of each run.

Revision ID: p0002
Revises: p0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "p0002"
down_revision = "p0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pay_hold",
        sa.Column("hold_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("seller_id", sa.String(64), nullable=False),
        sa.Column("reason_code", sa.String(40), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("review_on", sa.Date),
        sa.Column("payout_id", sa.String(64)),
        sa.Column("amount_thb", sa.Numeric(14, 2)),
        sa.Column("created_by_name", sa.String(150)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("released_at", sa.DateTime),
        sa.Column("released_by_name", sa.String(150)),
        sa.Column("release_reason", sa.Text),
    )
    op.create_index("ix_pay_hold_seller", "pay_hold", ["seller_id", "released_at"])
    op.create_table(
        "pay_payout_run",
        sa.Column("run_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("from_on", sa.Date, nullable=False),
        sa.Column("through_on", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by_name", sa.String(150)),
        sa.Column("count_payouts", sa.Integer, nullable=False),
        sa.Column("total_thb", sa.Numeric(14, 2), nullable=False),
        sa.Column("file_name", sa.String(120), nullable=False),
        sa.Column("file_text", sa.Text, nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.UniqueConstraint("through_on", name="uq_pay_payout_run_through"),
    )
    op.create_table(
        "pay_payout",
        sa.Column("payout_id", sa.String(64), primary_key=True),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("seller_id", sa.String(64), nullable=False),
        sa.Column("count_orders", sa.Integer, nullable=False),
        sa.Column("gross_thb", sa.Numeric(14, 2), nullable=False),
        sa.Column("fee_thb", sa.Numeric(14, 2), nullable=False),
        sa.Column("refunds_thb", sa.Numeric(14, 2), nullable=False),
        sa.Column("chargebacks_thb", sa.Numeric(14, 2), nullable=False),
        sa.Column("carried_thb", sa.Numeric(14, 2), nullable=False),
        sa.Column("transfer_fee_thb", sa.Numeric(14, 2), nullable=False),
        sa.Column("net_thb", sa.Numeric(14, 2), nullable=False),
        sa.Column("bank_code", sa.String(8)),
        sa.Column("bank_account_no", sa.String(32)),
        sa.Column("status", sa.String(16), nullable=False),
    )
    op.create_index("ix_pay_payout_seller", "pay_payout", ["seller_id"])


def downgrade() -> None:
    op.drop_table("pay_payout")
    op.drop_table("pay_payout_run")
    op.drop_table("pay_hold")
