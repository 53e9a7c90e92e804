"""Provincial spreadsheets: each office's last column mapping (offered for its next file)
and the address line (house number, หมู่, road) a sheet carries.

Revision ID: s0001
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "s0001"
down_revision = "0003"
branch_labels = ("sheets",)
depends_on = None


def upgrade() -> None:
    # grain: one row per office (its provinces, comma-joined; "*" for all) — key: office
    op.create_table(
        "ob_sheet_mapping",
        sa.Column("office", sa.String(255), primary_key=True),
        sa.Column("mapping_json", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by", sa.Integer),
        sa.Column("updated_by_name", sa.String(128)),
    )
    with op.batch_alter_table("ob_application") as batch:
        batch.add_column(sa.Column("address_line", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("ob_application") as batch:
        batch.drop_column("address_line")
    op.drop_table("ob_sheet_mapping")
