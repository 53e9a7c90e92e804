"""Helpers of the payments tests (a module of its own: `conftest` names collide)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl

from dashboard.onboarding.store import now
from dashboard.payments import recon
from warehouse import ops

BREAK_SCHEMA = {
    "break_key": pl.Utf8,
    "break_class": pl.Utf8,
    "rail": pl.Utf8,
    "ref": pl.Utf8,
    "order_id": pl.Utf8,
    "seller_id": pl.Utf8,
    "province_code": pl.Utf8,
    "branch_code": pl.Utf8,
    "amount_thb": pl.Decimal(14, 2),
    "occurred_on": pl.Date,
    "due_on": pl.Date,
    "detail": pl.Utf8,
}


def breaks(*rows: tuple[str, str, str]) -> pl.DataFrame:
    """Breaks as the engine returns them, from (class, ref, amount) triples."""
    day = dt.date(2026, 11, 2)
    return pl.DataFrame(
        [
            (
                f"{cls}:{ref}",
                cls,
                "gateway",
                ref,
                f"O-{ref}",
                "S1",
                "82",
                None,
                Decimal(amount),
                day,
                day,
                "",
            )
            for cls, ref, amount in rows
        ],
        schema=BREAK_SCHEMA,
        orient="row",
    )


def sync(df: pl.DataFrame) -> recon.RunResult:
    with ops.write(ops.engine()) as conn:
        return recon.sync(conn, df, dt.date(2026, 11, 20), now(), "test")
