"""Ops DB tables of programme impact (SQLAlchemy Core): briefings pinned to a lake snapshot.

A briefing is a named set of figures and filters pinned to one DuckLake snapshot; each of
its figures is stored with the SHA-256 of what it said, so "Re-verify" can tell whether
the lake at that snapshot still says the same. Conventions as the other ops tables
(``*_at`` naive Bangkok time; ``*_by`` + ``*_by_name``).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

metadata = MetaData()

# grain: one row per briefing
im_briefing = Table(
    "im_briefing",
    metadata,
    Column("briefing_id", String(32), primary_key=True),
    Column("name", Text, nullable=False),
    Column("snapshot_id", Integer, nullable=False),  # the DuckLake snapshot it is pinned to
    Column("period_code", String(32), nullable=False),  # as chosen (relative codes too)
    Column("period_label_th", Text, nullable=False),
    Column("period_label_en", Text, nullable=False),
    Column("region_code", String(16)),
    Column("province_code", String(8)),
    Column("filters_json", Text, nullable=False),
    Column("count_figures", Integer, nullable=False),
    Column("content_sha256", String(64), nullable=False),  # of every figure's hash, in order
    Column("created_by", Integer),
    Column("created_by_name", String(128)),
    Column("created_at", DateTime, nullable=False),
)
Index("ix_im_briefing_created_at", im_briefing.c.created_at)
Index("ix_im_briefing_snapshot", im_briefing.c.snapshot_id)

# grain: one row per figure of a briefing (a KPI of an area, or of the whole selection)
im_briefing_figure = Table(
    "im_briefing_figure",
    metadata,
    Column("briefing_id", String(32), nullable=False),
    Column("section", String(16), nullable=False),  # totals, areas
    Column("area_code", String(16), nullable=False),  # "" for the selection's total
    Column("kpi_key", String(64), nullable=False),
    Column("value", Float),  # null: no value (a zero denominator)
    Column("count_sellers", Integer, nullable=False),
    Column("figure_sha256", String(64), nullable=False),
    PrimaryKeyConstraint("briefing_id", "section", "area_code", "kpi_key"),
)

TABLES = (im_briefing, im_briefing_figure)
