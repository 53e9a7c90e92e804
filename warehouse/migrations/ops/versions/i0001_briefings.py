"""Impact: briefings pinned to a lake snapshot, with a hash of each figure.

Revision ID: i0001
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "i0001"
down_revision = "0003"
branch_labels = ("impact",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "im_briefing",
        sa.Column("briefing_id", sa.String(32), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("snapshot_id", sa.Integer, nullable=False),
        sa.Column("period_code", sa.String(32), nullable=False),
        sa.Column("period_label_th", sa.Text, nullable=False),
        sa.Column("period_label_en", sa.Text, nullable=False),
        sa.Column("region_code", sa.String(16)),
        sa.Column("province_code", sa.String(8)),
        sa.Column("filters_json", sa.Text, nullable=False),
        sa.Column("count_figures", sa.Integer, nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("created_by", sa.Integer),
        sa.Column("created_by_name", sa.String(128)),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_im_briefing_created_at", "im_briefing", ["created_at"])
    op.create_index("ix_im_briefing_snapshot", "im_briefing", ["snapshot_id"])
    op.create_table(
        "im_briefing_figure",
        sa.Column("briefing_id", sa.String(32), nullable=False),
        sa.Column("section", sa.String(16), nullable=False),
        sa.Column("area_code", sa.String(16), nullable=False),
        sa.Column("kpi_key", sa.String(64), nullable=False),
        sa.Column("value", sa.Float),
        sa.Column("count_sellers", sa.Integer, nullable=False),
        sa.Column("figure_sha256", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("briefing_id", "section", "area_code", "kpi_key"),
    )


def downgrade() -> None:
    op.drop_table("im_briefing_figure")
    op.drop_index("ix_im_briefing_snapshot", "im_briefing")
    op.drop_index("ix_im_briefing_created_at", "im_briefing")
    op.drop_table("im_briefing")
