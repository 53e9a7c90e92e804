"""One seller's money trail: order → payment → settlement → bank credit → payout, in one
view (the payouts page). The payout is the ops DB's payout run when one paid the order,
else the lake's payout history."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
from sqlalchemy import select

from dashboard.identity.user import User
from dashboard.payments.payout_bank import officer
from warehouse import ops, query
from warehouse.ops_schema_payments import pay_payout, pay_payout_run
from warehouse.settings import Settings, load_settings


def money_trail(
    actor: User | None,
    con: duckdb.DuckDBPyConnection,
    seller_id: str,
    *,
    settings: Settings | None = None,
) -> pl.DataFrame:
    """One seller's money: order → payment → settlement → bank credit → payout, newest
    orders first. The payout is the ops DB's (a payout run of this app, ``payout_run_id``)
    when a run's window holds the order's delivery day, else the lake's payout history."""
    settings = settings or load_settings()
    officer(actor, settings)
    bounds = query.run(con, "payments/seller_order_range", seller_id=seller_id)
    trail = query.run(
        con,
        "payments/money_trail",
        seller_id=seller_id,
        lo_order_id=bounds["lo_order_id"][0],
        hi_order_id=bounds["hi_order_id"][0],
    )
    with ops.read(ops.engine(settings)) as conn:
        ours = conn.execute(
            select(
                pay_payout.c.payout_id,
                pay_payout.c.status,
                pay_payout.c.run_id,
                pay_payout_run.c.from_on,
                pay_payout_run.c.through_on,
                pay_payout_run.c.created_at,
            )
            .join(pay_payout_run, pay_payout_run.c.run_id == pay_payout.c.run_id)
            .where(pay_payout.c.seller_id == seller_id)
        ).all()
    paid_by: list[tuple[str, str, int | None, dt.datetime | None]] = []
    for r in trail.iter_rows(named=True):
        run = next(
            (
                o
                for o in ours
                if r["delivered_on"] is not None
                and r["payment_channel"] != "cod"
                and r["status"] == "delivered"
                and o.from_on < r["delivered_on"] <= o.through_on
            ),
            None,
        )
        if run is None:
            paid_by.append((r["payout_id"], r["payout_status"], None, r["payout_paid_at"]))
        else:
            paid_by.append((run.payout_id, run.status, run.run_id, run.created_at))
    return trail.with_columns(
        pl.Series("payout_id", [p[0] for p in paid_by], dtype=pl.Utf8),
        pl.Series("payout_status", [p[1] for p in paid_by], dtype=pl.Utf8),
        pl.Series("payout_run_id", [p[2] for p in paid_by], dtype=pl.Int64),
        pl.Series("payout_paid_at", [p[3] for p in paid_by], dtype=trail["payout_paid_at"].dtype),
    )
