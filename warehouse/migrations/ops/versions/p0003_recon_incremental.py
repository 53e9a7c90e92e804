"""Payments (issue 9): incremental reconciliation. Each run records the settings it
classified with (``params_key``) and the first day it re-examined (``since_on``; null: every
day); ``pay_recon_break`` keeps the break set of the last run (key and day), so a run that
re-examines only the days a load could change still knows every break.

Revision ID: p0003
Revises: p0002
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "p0003"
down_revision = "p0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("pay_recon_run", sa.Column("params_key", sa.String(200)))
    op.add_column("pay_recon_run", sa.Column("since_on", sa.Date))
    op.create_table(
        "pay_recon_break",
        sa.Column("break_key", sa.String(200), primary_key=True),
        sa.Column("occurred_on", sa.Date),
    )
    op.create_index("ix_pay_recon_break_occurred", "pay_recon_break", ["occurred_on"])


def downgrade() -> None:
    op.drop_index("ix_pay_recon_break_occurred", "pay_recon_break")
    op.drop_table("pay_recon_break")
    op.drop_column("pay_recon_run", "since_on")
    op.drop_column("pay_recon_run", "params_key")
