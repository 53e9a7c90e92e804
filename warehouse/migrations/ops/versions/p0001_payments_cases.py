"""Payments (issue 9): reconciliation cases, their events, and reconciliation runs.

Revision ID: p0001
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "p0001"
down_revision = "0003"
branch_labels = ("payments",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pay_recon_run",
        sa.Column("run_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=False),
        sa.Column("count_breaks", sa.Integer, nullable=False),
        sa.Column("count_opened", sa.Integer, nullable=False),
        sa.Column("count_updated", sa.Integer, nullable=False),
        sa.Column("count_closed", sa.Integer, nullable=False),
        sa.Column("count_reopened", sa.Integer, nullable=False),
        sa.Column("lake_snapshot", sa.Integer),
        sa.Column("run_by_name", sa.String(150)),
    )
    op.create_table(
        "pay_case",
        sa.Column("case_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("break_key", sa.String(200), nullable=False),
        sa.Column("break_class", sa.String(40), nullable=False),
        sa.Column("rail", sa.String(16), nullable=False),
        sa.Column("ref", sa.String(160), nullable=False),
        sa.Column("order_id", sa.String(64)),
        sa.Column("seller_id", sa.String(64)),
        sa.Column("province_code", sa.String(8)),
        sa.Column("branch_code", sa.String(32)),
        sa.Column("amount_thb", sa.Numeric(14, 2), nullable=False),
        sa.Column("occurred_on", sa.Date),
        sa.Column("due_on", sa.Date),
        sa.Column("detail", sa.Text),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("closed_reason", sa.String(40)),
        sa.Column("resolution_code", sa.String(40)),
        sa.Column("resolution_note", sa.Text),
        sa.Column("matched_ref", sa.String(160)),
        sa.Column("assignee_id", sa.Integer),
        sa.Column("assignee_name", sa.String(150)),
        sa.Column("resolved_by", sa.Integer),
        sa.Column("resolved_by_name", sa.String(150)),
        sa.Column("requested_by", sa.Integer),
        sa.Column("requested_by_name", sa.String(150)),
        sa.Column("opened_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("closed_at", sa.DateTime),
        sa.Column("first_run_id", sa.Integer, nullable=False),
        sa.Column("last_seen_run_id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("break_key", name="uq_pay_case_break_key"),
    )
    op.create_index("ix_pay_case_status", "pay_case", ["status", "break_class"])
    op.create_index("ix_pay_case_seller", "pay_case", ["seller_id"])
    op.create_table(
        "pay_case_event",
        sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("from_status", sa.String(20)),
        sa.Column("to_status", sa.String(20)),
        sa.Column("note", sa.Text),
        sa.Column("actor_id", sa.Integer),
        sa.Column("actor_name", sa.String(150)),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_pay_case_event_case", "pay_case_event", ["case_id"])


def downgrade() -> None:
    op.drop_table("pay_case_event")
    op.drop_table("pay_case")
    op.drop_table("pay_recon_run")
