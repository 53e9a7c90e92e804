"""Helpers of the payments tests (a module of its own: `conftest` names collide)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl

from dashboard.onboarding.store import now
from dashboard.payments import recon
from warehouse import ops

BREAK_SCHEMA = recon.BREAK_SCHEMA


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


def next_settlement_file(settings, out_dir, *, days: int | None = 7):
    """One day's settlement file as a gateway sends it: the gateway charges of the lake
    paid in the last ``days`` days (None: ever) that have no settlement line yet (in
    transit, or overdue), settled the day after the newest payment day at the contracted
    fee and VAT, in new batches (one per gateway). Returns the path, or None when nothing
    is unsettled."""
    from pathlib import Path

    from warehouse.lake import connect_reader

    con = connect_reader(settings)
    try:
        lines = con.execute(
            """
            with as_of as (
                select max(cast(paid_at as date)) as d from fct_payment where status = 'success'
            )
            select
                p.transaction_id,
                'B' || upper(replace(p.gateway, ' ', '')) || strftime(a.d + 1, '%Y%m%d')
                    || 'N' as settlement_batch_id,
                p.gateway,
                p.order_id as merchant_order_ref,
                'charge' as txn_type,
                p.channel,
                strftime(p.created_at, '%Y-%m-%d %H:%M:%S') as created_at,
                strftime(p.paid_at, '%Y-%m-%d %H:%M:%S') as paid_at,
                a.d + 1 as settled_on,
                p.amount_thb as gross_amount,
                round(p.amount_thb * c.fee_percent * 0.01, 2) as fee,
                round(round(p.amount_thb * c.fee_percent * 0.01, 2) * c.vat_percent * 0.01, 2)
                    as fee_vat,
                p.amount_thb - round(p.amount_thb * c.fee_percent * 0.01, 2)
                    - round(round(p.amount_thb * c.fee_percent * 0.01, 2) * c.vat_percent * 0.01, 2)
                    as net_amount,
                0 as refunded_amount,
                'settled' as status,
                'THB' as currency
            from fct_payment p
            cross join as_of a
            join ref_gateway_contract c on c.gateway = p.gateway and c.valid_to_on is null
            where p.status = 'success' and p.txn_type = 'charge'
              and p.channel not in ('counter', 'cod')
              and p.transaction_id not in (select transaction_id from fct_settlement)
              and ($days is null or cast(p.paid_at as date) > a.d - $days)
            order by p.transaction_id
            """,
            {"days": days},
        ).pl()
    finally:
        con.close()
    if lines.is_empty():
        return None
    day = lines["settled_on"][0]
    path = Path(out_dir) / f"settlements_{day:%Y%m%d}.csv"
    lines.write_csv(path)
    return path
