"""Ops DB tables of the production mode (SQLAlchemy Core; migration x0001).

A load asked for on the Data loads page of any replica is a row here: a worker claims it,
writes its progress and result into it, and every replica's page reads it from here.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Index, Integer, MetaData, String, Table, Text

from warehouse.ops_schema import UTCDateTime

metadata = MetaData()

# grain: one row per load asked for (one or more feed files, loaded in order)
load_job = Table(
    "prod_load_job",
    metadata,
    Column("job_id", String(32), primary_key=True),  # key
    Column("status", String(16), nullable=False),  # queued, running, done, failed
    Column("files", Text, nullable=False),  # JSON list of inbox paths
    Column("feed", String(64)),
    Column("requested_by", Integer),
    Column("requested_by_name", String(128), nullable=False),
    Column("session_id", String(64)),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("worker", String(128)),  # host and process that ran it
    Column("started_at", UTCDateTime),
    Column("heartbeat_at", UTCDateTime),
    Column("finished_at", UTCDateTime),
    Column("progress", Float, nullable=False, default=0.0),
    Column("message", Text),
    Column("results", Text),  # JSON list of the ETL's LoadResult, when done
    Column("error_key", String(64)),  # the AppError key of a failed job
    Column("error_detail", Text),
)
Index("ix_prod_load_job_requested_at", load_job.c.requested_at)
Index("ix_prod_load_job_status", load_job.c.status)
