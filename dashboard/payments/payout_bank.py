"""The bank side of seller payouts: the bulk-transfer file a payout run produces (a
header, one line per transfer, a trailer with the count and total; stored with the run and
never produced twice) and the payouts the bank returned (the payout_returns feed), which
put the money back on the seller with a ``bank_returned`` hold."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import duckdb
from sqlalchemy import select, update

from dashboard.errors import NotFound
from dashboard.identity import audit, authz
from dashboard.identity.user import User
from dashboard.onboarding.store import now
from warehouse import ops, query
from warehouse.lake import connect_reader
from warehouse.ops_schema_payments import pay_hold, pay_payout, pay_payout_run
from warehouse.settings import Settings, load_settings

PROGRAMME_ACCOUNT = "0011223344"


def officer(actor: User | None, settings: Settings) -> User:
    """Payouts are payments officers' and admins' work."""
    return authz.require_role(actor, "payments_officer", "admin", settings=settings)


def bank_file_text(run_id: int, day: dt.date, payouts: list[dict]) -> str:
    """A bulk-transfer CSV: a header line, one line per transfer, a trailer with the count
    and total (the bank checks them before it pays anything)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["H", PROGRAMME_ACCOUNT, f"POSTMART-RUN-{run_id:06d}", day.strftime("%Y%m%d")])
    total = Decimal(0)
    for p in payouts:
        w.writerow(
            [
                "D",
                p["payout_id"],
                p["bank_code"],
                p["bank_account_no"],
                f"{p['net_thb']:.2f}",
                p["seller_id"],
            ]
        )
        total += p["net_thb"]
    w.writerow(["T", len(payouts), f"{total:.2f}"])
    return buf.getvalue()


def bank_file(
    actor: User | None, run_id: int, *, settings: Settings | None = None
) -> tuple[str, bytes]:
    """(file name, bytes) of a run's bank file: the stored file, the same every time."""
    settings = settings or load_settings()
    officer(actor, settings)
    with ops.read(ops.engine(settings)) as conn:
        row = conn.execute(
            select(pay_payout_run.c.file_name, pay_payout_run.c.file_text).where(
                pay_payout_run.c.run_id == run_id
            )
        ).first()
    if row is None:
        raise NotFound("payments.payout.missing_run", run_id=run_id)
    return row.file_name, row.file_text.encode("utf-8")


def apply_returns(
    actor: User | None,
    con: duckdb.DuckDBPyConnection | None = None,
    *,
    settings: Settings | None = None,
    session_id: str | None = None,
) -> int:
    """Payouts the bank returned (the payout_returns feed): marked returned, and the money
    put back on the seller with a ``bank_returned`` hold. Idempotent; returns how many.

    Run after each load of the feed (``after_load.after_load``) and by the demo, and again by the
    payouts page (then a no-op): the large demo's 6,650 returns one statement at a time
    took 25 s of someone's first visit; here they are a few statements in all."""
    settings = settings or load_settings()
    user = officer(actor, settings)
    # One read for every return and the seller of its payout in the lake.
    own = con is None
    con = con or connect_reader(settings)
    try:
        returned = query.fetch_df(
            con,
            "select r.payout_id, r.amount_thb, r.reason_code, p.seller_id "
            "from lake.fct_payout_return r "
            "left join lake.fct_payout p on p.payout_id = r.payout_id "
            "order by r.payout_id",
        ).rows()
    finally:
        if own:
            con.close()
    if not returned:
        return 0
    with ops.write(ops.engine(settings)) as conn:
        known = set(
            conn.execute(
                select(pay_hold.c.payout_id).where(pay_hold.c.payout_id.is_not(None))
            ).scalars()
        )
        new = [r for r in returned if r[0] not in known]
        ours: dict[str, str] = {}
        for start in range(0, len(new), _BATCH):
            ids = [r[0] for r in new[start : start + _BATCH]]
            ours.update(
                conn.execute(
                    select(pay_payout.c.payout_id, pay_payout.c.seller_id).where(
                        pay_payout.c.payout_id.in_(ids)
                    )
                ).all()
            )
        at = now()
        holds = [
            {
                "seller_id": ours.get(payout_id, lake_seller),
                "reason_code": "bank_returned",
                "note": reason,
                "payout_id": payout_id,
                "amount_thb": amount,
                "created_by_name": "bank",
                "created_at": at,
            }
            for payout_id, amount, reason, lake_seller in new
            if payout_id in ours or lake_seller is not None
        ]
        if not holds:
            return 0
        mine = [h["payout_id"] for h in holds if h["payout_id"] in ours]
        for start in range(0, len(mine), _BATCH):
            conn.execute(
                update(pay_payout)
                .where(pay_payout.c.payout_id.in_(mine[start : start + _BATCH]))
                .values(status="returned")
            )
        hold_ids = conn.execute(
            pay_hold.insert().returning(pay_hold.c.hold_id, sort_by_parameter_order=True),
            holds,
        ).scalars()
        audit.AuditTrail(conn, user, session_id).add_many(
            [
                ("payments.hold.bank_return", "pay_hold", str(hold_id), None, values)
                for hold_id, values in zip(hold_ids, holds, strict=True)
            ]
        )
    return len(holds)


# (ops DB, lake catalog, snapshot id and time) that this process applied the returns at.
_APPLIED: set[tuple[str, ...]] = set()


def apply_returns_once(
    actor: User | None, con: duckdb.DuckDBPyConnection, *, settings: Settings | None = None
) -> int:
    """:func:`apply_returns` unless this process already did at the lake's snapshot: the
    returns change only with the lake, and are applied after every load of them; the
    payouts page asks again (0.2 s on the large demo) only in case a load's step failed."""
    settings = settings or load_settings()
    officer(actor, settings)
    row = query.fetch_one(
        con,
        "select (select path from duckdb_databases() where database_name = 'lake'), s.id, "
        "(select snapshot_time from ducklake_snapshots('lake') where snapshot_id = s.id) "
        "from lake.current_snapshot() s",
    )
    key = (str(settings.ops_db_url), *(str(v) for v in row))
    if key in _APPLIED:
        return 0
    done = apply_returns(actor, con, settings=settings)
    _APPLIED.add(key)
    return done
    return done


# Ids per IN list (SQLite's bound-parameter limit is 32,766; PostgreSQL's 65,535).
_BATCH = 1_000
