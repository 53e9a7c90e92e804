"""Ops DB tables of payments (issue 9): reconciliation cases and runs (SQLAlchemy Core).

A case is one break of the reconciliation engine (``warehouse/sql/payments/breaks.sql``),
keyed by the break's ``break_key`` so that it keeps its identity across reruns. Timestamps
are naive Asia/Bangkok local time, like the lake's; users are referred to by id plus the
username at the time. Revision ``p0001`` creates them.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
)

metadata = MetaData()

# grain: one row per break ever found (its current state; history in pay_case_event)
pay_case = Table(
    "pay_case",
    metadata,
    Column("case_id", Integer, primary_key=True, autoincrement=True),
    Column("break_key", String(200), nullable=False, unique=True),
    Column("break_class", String(40), nullable=False),
    Column("rail", String(16), nullable=False),
    Column("ref", String(160), nullable=False),
    Column("order_id", String(64)),
    Column("seller_id", String(64)),
    Column("province_code", String(8)),
    Column("branch_code", String(32)),
    Column("amount_thb", Numeric(14, 2), nullable=False),
    Column("occurred_on", Date),
    Column("due_on", Date),
    Column("detail", Text),
    # open, pending_approval, resolved, closed_by_data (warehouse.vocab.CASE_STATUSES)
    Column("status", String(20), nullable=False),
    Column("closed_reason", String(40)),  # CLOSED_BY_DATA_REASONS, when the data closed it
    Column("resolution_code", String(40)),  # RESOLUTION_CODES, when an officer did
    Column("resolution_note", Text),
    Column("matched_ref", String(160)),  # the record a case was matched to by hand
    Column("assignee_id", Integer),
    Column("assignee_name", String(150)),
    Column("resolved_by", Integer),
    Column("resolved_by_name", String(150)),
    Column("requested_by", Integer),  # who asked for a write-off that awaits approval
    Column("requested_by_name", String(150)),
    Column("opened_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("closed_at", DateTime),
    Column("first_run_id", Integer, nullable=False),
    Column("last_seen_run_id", Integer, nullable=False),
    Column("version", Integer, nullable=False),
)
Index("ix_pay_case_status", pay_case.c.status, pay_case.c.break_class)
Index("ix_pay_case_seller", pay_case.c.seller_id)

# grain: one row per step of a case (opened, assigned, commented, resolved, closed …)
pay_case_event = Table(
    "pay_case_event",
    metadata,
    Column("event_id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, nullable=False),
    Column("action", String(32), nullable=False),
    Column("from_status", String(20)),
    Column("to_status", String(20)),
    Column("note", Text),
    Column("actor_id", Integer),
    Column("actor_name", String(150)),
    Column("at", DateTime, nullable=False),
)
Index("ix_pay_case_event_case", pay_case_event.c.case_id)

# grain: one row per reconciliation run
pay_recon_run = Table(
    "pay_recon_run",
    metadata,
    Column("run_id", Integer, primary_key=True, autoincrement=True),
    Column("as_of", Date, nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=False),
    Column("count_breaks", Integer, nullable=False),
    Column("count_opened", Integer, nullable=False),
    Column("count_updated", Integer, nullable=False),
    Column("count_closed", Integer, nullable=False),
    Column("count_reopened", Integer, nullable=False),
    Column("lake_snapshot", Integer),  # the DuckLake snapshot the run read
    Column("run_by_name", String(150)),
    Column("params_key", String(200)),  # the settings it classified with (p0003)
    Column("since_on", Date),  # the first day it re-examined; null: every day
)

# grain: one row per break the last reconciliation found (p0003). key: break_key
pay_recon_break = Table(
    "pay_recon_break",
    metadata,
    Column("break_key", String(200), primary_key=True),
    Column("occurred_on", Date),
)
Index("ix_pay_recon_break_occurred", pay_recon_break.c.occurred_on)

# grain: one row per hold placed on a seller's payouts (manual, or a bank's return);
# released_at set when it is lifted. Holds the lake implies (suspension, bank account,
# open breaks …) are computed at each payout run, not stored.
pay_hold = Table(
    "pay_hold",
    metadata,
    Column("hold_id", Integer, primary_key=True, autoincrement=True),
    Column("seller_id", String(64), nullable=False),
    Column("reason_code", String(40), nullable=False),  # vocab.MANUAL_HOLD_REASONS
    Column("note", Text),
    Column("review_on", Date),
    Column("payout_id", String(64)),  # the returned payout, for bank_returned holds
    Column("amount_thb", Numeric(14, 2)),  # money put back by a return
    Column("created_by_name", String(150)),
    Column("created_at", DateTime, nullable=False),
    Column("released_at", DateTime),
    Column("released_by_name", String(150)),
    Column("release_reason", Text),
)
Index("ix_pay_hold_seller", pay_hold.c.seller_id, pay_hold.c.released_at)

# grain: one row per payout run (one bank bulk-transfer file, written once with the run)
pay_payout_run = Table(
    "pay_payout_run",
    metadata,
    Column("run_id", Integer, primary_key=True, autoincrement=True),
    Column("from_on", Date, nullable=False),
    Column("through_on", Date, nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("created_by_name", String(150)),
    Column("count_payouts", Integer, nullable=False),
    Column("total_thb", Numeric(14, 2), nullable=False),
    Column("file_name", String(120), nullable=False),
    Column("file_text", Text, nullable=False),
    Column("file_sha256", String(64), nullable=False),
)

# grain: one row per seller payout of a run
pay_payout = Table(
    "pay_payout",
    metadata,
    Column("payout_id", String(64), primary_key=True),
    Column("run_id", Integer, nullable=False),
    Column("seller_id", String(64), nullable=False),
    Column("count_orders", Integer, nullable=False),
    Column("gross_thb", Numeric(14, 2), nullable=False),
    Column("fee_thb", Numeric(14, 2), nullable=False),
    Column("refunds_thb", Numeric(14, 2), nullable=False),
    Column("chargebacks_thb", Numeric(14, 2), nullable=False),
    Column("carried_thb", Numeric(14, 2), nullable=False),
    Column("transfer_fee_thb", Numeric(14, 2), nullable=False),
    Column("net_thb", Numeric(14, 2), nullable=False),
    Column("bank_code", String(8)),
    Column("bank_account_no", String(32)),
    Column("status", String(16), nullable=False),  # sent, returned
)
Index("ix_pay_payout_seller", pay_payout.c.seller_id)
