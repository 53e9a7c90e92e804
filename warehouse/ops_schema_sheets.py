"""Ops DB table of provincial spreadsheets (SQLAlchemy Core; revision s0001)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text

metadata = MetaData()

# grain: one row per office — the column mapping its officers confirmed last
ob_sheet_mapping = Table(
    "ob_sheet_mapping",
    metadata,
    Column("office", String(255), primary_key=True),  # sorted province codes, "*" for all
    Column("mapping_json", Text, nullable=False),  # {header key: field or "" for ignore}
    Column("updated_at", DateTime, nullable=False),
    Column("updated_by", Integer),
    Column("updated_by_name", String(128)),
)
