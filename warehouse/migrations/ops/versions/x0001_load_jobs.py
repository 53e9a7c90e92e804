"""Production mode: load jobs, so that a load asked for on any replica runs in one worker
and its progress and result are seen from every replica.

Revision ID: x0001
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "x0001"
down_revision = "0003"
branch_labels = ("production",)
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "prod_load_job",
        sa.Column("job_id", sa.String(32), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("files", sa.Text, nullable=False),
        sa.Column("feed", sa.String(64)),
        sa.Column("requested_by", sa.Integer),
        sa.Column("requested_by_name", sa.String(128), nullable=False),
        sa.Column("session_id", sa.String(64)),
        sa.Column("requested_at", TS, nullable=False),
        sa.Column("worker", sa.String(128)),
        sa.Column("started_at", TS),
        sa.Column("heartbeat_at", TS),
        sa.Column("finished_at", TS),
        sa.Column("progress", sa.Float, nullable=False, server_default="0"),
        sa.Column("message", sa.Text),
        sa.Column("results", sa.Text),
        sa.Column("error_key", sa.String(64)),
        sa.Column("error_detail", sa.Text),
    )
    op.create_index("ix_prod_load_job_requested_at", "prod_load_job", ["requested_at"])
    op.create_index("ix_prod_load_job_status", "prod_load_job", ["status"])


def downgrade() -> None:
    op.drop_table("prod_load_job")
