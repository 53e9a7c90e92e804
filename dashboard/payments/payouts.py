"""Seller payouts: eligible money, holds, the payout run and its bank bulk-transfer file.

Eligible money per seller (``warehouse/sql/payments/payout_eligible.sql``): prepaid orders
delivered in the run's window and past the return window (``PAYOUT_RETURN_WINDOW_DAYS``),
less the gateways' fees and VAT, refunds and chargebacks, plus what a bank returned and a
release put back, less the transfer fee; paid when at least ``PAYOUT_MIN_THB``. The window
runs from the previous run's last day (or, before the first run, the lake's last paid
payout period) to today less the return window; runs are weekly by default.

A seller is held when an officer placed a hold (with a note and a review date), or the data
says so: an open reconciliation case on their orders, a chargeback case, a returned parcel
or failed delivery, a bank account that fails its bank's length or is shared with another
seller, a suspended seller, or a payout the bank returned. Releasing a manual or
bank-return hold takes a reason; the others lift when their cause does.

A run writes its payouts and its bank file in one transaction; the file is stored with the
run and never produced again (a second run for the same window is refused, downloading
gives the stored bytes). Every step is audited.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb
import polars as pl
from sqlalchemy import select, update

from dashboard.errors import Conflict, NotFound, ValidationFailed
from dashboard.identity import audit, authz
from dashboard.identity.user import User
from dashboard.onboarding.store import now
from warehouse import limits, ops, query, vocab
from warehouse.ops_schema_payments import pay_case, pay_hold, pay_payout, pay_payout_run
from warehouse.settings import Settings, load_settings

CENT = Decimal("0.01")
PROGRAMME_ACCOUNT = "0011223344"


def _officer(actor: User | None, settings: Settings) -> User:
    return authz.require_role(actor, "payments_officer", "admin", settings=settings)


@dataclass
class Window:
    from_on: dt.date
    through_on: dt.date


def window(
    con: duckdb.DuckDBPyConnection, settings: Settings, today: dt.date | None = None
) -> Window:
    """The delivery days the next run pays for: (last run's last day, today − window]."""
    today = today or now().date()
    through = today - dt.timedelta(days=settings.payout_return_window_days)
    with ops.read(ops.engine(settings)) as conn:
        last = conn.execute(
            select(pay_payout_run.c.through_on).order_by(pay_payout_run.c.through_on.desc())
        ).scalar()
    if last is None:
        # query.fetch_one closes its cursor: a result left open on a shared connection
        # keeps the SQLite catalog's read lock, and no load can commit.
        paid = query.fetch_one(
            con, "select max(period_end_on) from lake.fct_payout where status = 'paid'"
        )[0]
        last = (
            (paid - dt.timedelta(days=settings.payout_return_window_days))
            if paid
            else (through - dt.timedelta(days=7))
        )
    return Window(last, through)


def _ops_holds(settings: Settings) -> tuple[dict[str, list[str]], dict[str, Decimal]]:
    """Reasons per seller from the ops DB (stored holds, open cases), and money put back."""
    reasons: dict[str, list[str]] = {}
    carried: dict[str, Decimal] = {}
    with ops.read(ops.engine(settings)) as conn:
        for seller, code in conn.execute(
            select(pay_hold.c.seller_id, pay_hold.c.reason_code).where(
                pay_hold.c.released_at.is_(None)
            )
        ):
            reasons.setdefault(seller, []).append(code)
        for seller, amount in conn.execute(
            select(pay_hold.c.seller_id, pay_hold.c.amount_thb).where(
                pay_hold.c.released_at.is_not(None),
                pay_hold.c.amount_thb.is_not(None),
                pay_hold.c.reason_code == "bank_returned",
            )
        ):
            carried[seller] = carried.get(seller, Decimal(0)) + Decimal(str(amount))
        carried_paid = conn.execute(
            select(pay_payout.c.seller_id, pay_payout.c.carried_thb).where(
                pay_payout.c.carried_thb > 0
            )
        ).all()
        for seller, amount in carried_paid:  # put back once, paid once
            carried[seller] = carried.get(seller, Decimal(0)) - Decimal(str(amount))
        for seller, cls in conn.execute(
            select(pay_case.c.seller_id, pay_case.c.break_class).where(
                pay_case.c.status.in_(vocab.CASE_OPEN_STATUSES), pay_case.c.seller_id.is_not(None)
            )
        ):
            code = "chargeback" if cls == "chargeback" else "open_break"
            if code not in reasons.setdefault(seller, []):
                reasons[seller].append(code)
    return reasons, {k: v for k, v in carried.items() if v > 0}


def schedule(
    actor: User | None,
    con: duckdb.DuckDBPyConnection,
    *,
    today: dt.date | None = None,
    settings: Settings | None = None,
) -> tuple[Window, pl.DataFrame]:
    """The next run as it would be now: one row per seller with money, its amounts, its
    hold reasons and its status (scheduled, held, below_minimum)."""
    settings = settings or load_settings()
    _officer(actor, settings)
    apply_returns(actor, con, settings=settings)
    w = window(con, settings, today)
    df = query.run(
        con,
        "payments/payout_eligible",
        from_on=w.from_on,
        through_on=w.through_on,
        window_days=settings.payout_return_window_days,
    )
    reasons, carried = _ops_holds(settings)
    fee = Decimal(str(settings.payout_transfer_fee_thb)).quantize(CENT)
    minimum = Decimal(str(settings.payout_min_thb)).quantize(CENT)
    rows = []
    for r in df.iter_rows(named=True):
        holds = sorted({*r["lake_holds"], *reasons.get(r["seller_id"], [])})
        back = carried.get(r["seller_id"], Decimal(0))
        net = r["gross_thb"] - r["fee_thb"] - r["refunds_thb"] - r["chargebacks_thb"] + back - fee
        status = "held" if holds else ("scheduled" if net >= minimum else "below_minimum")
        rows.append(
            {
                **r,
                "carried_thb": back,
                "transfer_fee_thb": fee,
                "net_thb": net,
                "hold_reasons": holds,
                "status": status,
            }
        )
    schema = {
        **{k: v for k, v in df.schema.items() if k != "lake_holds"},
        "carried_thb": pl.Decimal(14, 2),
        "transfer_fee_thb": pl.Decimal(14, 2),
        "net_thb": pl.Decimal(14, 2),
        "hold_reasons": pl.List(pl.Utf8),
        "status": pl.Utf8,
    }
    out = pl.DataFrame([{k: row[k] for k in schema} for row in rows], schema=schema)
    return w, out


def place_hold(
    actor: User | None,
    seller_id: str,
    reason_code: str,
    note: str,
    review_on: dt.date | None,
    *,
    settings: Settings | None = None,
    session_id: str | None = None,
) -> int:
    """A manual hold on a seller's payouts, with a note and a review date."""
    settings = settings or load_settings()
    user = _officer(actor, settings)
    if reason_code not in vocab.MANUAL_HOLD_REASONS:
        raise ValidationFailed("payments.hold.unknown_reason", code=reason_code)
    text = (note or "").strip()
    if not text or len(text) > limits.NOTE:
        raise ValidationFailed("payments.case.note_required")
    if review_on is None:
        raise ValidationFailed("payments.hold.review_required")
    values = {
        "seller_id": seller_id,
        "reason_code": reason_code,
        "note": text,
        "review_on": review_on,
        "created_by_name": user.username,
        "created_at": now(),
    }
    with ops.write(ops.engine(settings)) as conn:
        hold_id = conn.execute(
            pay_hold.insert().values(**values).returning(pay_hold.c.hold_id)
        ).scalar_one()
        audit.AuditTrail(conn, user, session_id).add(
            "payments.hold.place", "pay_hold", str(hold_id), None, {**values, "hold_id": hold_id}
        )
    return hold_id


def release_hold(
    actor: User | None,
    hold_id: int,
    reason: str,
    *,
    settings: Settings | None = None,
    session_id: str | None = None,
) -> dict[str, Any]:
    """Lift a stored hold, with a reason; Conflict when someone lifted it first."""
    settings = settings or load_settings()
    user = _officer(actor, settings)
    text = (reason or "").strip()
    if not text or len(text) > limits.NOTE:
        raise ValidationFailed("payments.case.note_required")
    with ops.write(ops.engine(settings)) as conn:
        before = (
            conn.execute(select(pay_hold).where(pay_hold.c.hold_id == hold_id)).mappings().first()
        )
        if before is None:
            raise NotFound("payments.hold.missing", hold_id=hold_id)
        values = {"released_at": now(), "released_by_name": user.username, "release_reason": text}
        done = conn.execute(
            update(pay_hold)
            .where(pay_hold.c.hold_id == hold_id, pay_hold.c.released_at.is_(None))
            .values(**values)
        )
        if done.rowcount != 1:
            raise Conflict(
                "payments.hold.already_released",
                hold_id=hold_id,
                by=before["released_by_name"] or "",
            )
        after = {**dict(before), **values}
        audit.AuditTrail(conn, user, session_id).add(
            "payments.hold.release", "pay_hold", str(hold_id), dict(before), after
        )
    return after


def holds(actor: User | None, *, settings: Settings | None = None) -> pl.DataFrame:
    """Stored holds not yet released, newest first."""
    settings = settings or load_settings()
    _officer(actor, settings)
    with ops.read(ops.engine(settings)) as conn:
        return ops.fetch_df(
            conn,
            select(
                pay_hold.c.hold_id,
                pay_hold.c.seller_id,
                pay_hold.c.reason_code,
                pay_hold.c.note,
                pay_hold.c.review_on,
                pay_hold.c.amount_thb,
                pay_hold.c.created_by_name,
            )
            .where(pay_hold.c.released_at.is_(None))
            .order_by(pay_hold.c.hold_id.desc()),
            {
                "hold_id": pl.Int64,
                "seller_id": pl.Utf8,
                "reason_code": pl.Utf8,
                "note": pl.Utf8,
                "review_on": pl.Date,
                "amount_thb": pl.Float64,
                "created_by_name": pl.Utf8,
            },
        )


def _bank_file(run_id: int, day: dt.date, payouts: list[dict]) -> str:
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


def run(
    actor: User | None,
    con: duckdb.DuckDBPyConnection,
    *,
    today: dt.date | None = None,
    settings: Settings | None = None,
    session_id: str | None = None,
) -> dict[str, Any]:
    """Pay every scheduled seller of the window: payouts and the bank file, once."""
    settings = settings or load_settings()
    user = _officer(actor, settings)
    w, sched = schedule(user, con, today=today, settings=settings)
    due = sched.filter(pl.col("status") == "scheduled")
    at = now()
    with ops.write(ops.engine(settings)) as conn:
        taken = conn.execute(
            select(pay_payout_run.c.run_id, pay_payout_run.c.created_by_name).where(
                pay_payout_run.c.through_on == w.through_on
            )
        ).first()
        if taken is not None:
            raise Conflict(
                "payments.payout.already_run", run_id=taken.run_id, by=taken.created_by_name or ""
            )
        run_id = conn.execute(
            pay_payout_run.insert()
            .values(
                from_on=w.from_on,
                through_on=w.through_on,
                created_at=at,
                created_by_name=user.username,
                count_payouts=0,
                total_thb=0,
                file_name="",
                file_text="",
                file_sha256="",
            )
            .returning(pay_payout_run.c.run_id)
        ).scalar_one()
        payouts = [
            {
                "payout_id": f"PR{run_id:05d}-{i:05d}",
                "run_id": run_id,
                "seller_id": r["seller_id"],
                "count_orders": r["count_orders"],
                "gross_thb": r["gross_thb"],
                "fee_thb": r["fee_thb"],
                "refunds_thb": r["refunds_thb"],
                "chargebacks_thb": r["chargebacks_thb"],
                "carried_thb": r["carried_thb"],
                "transfer_fee_thb": r["transfer_fee_thb"],
                "net_thb": r["net_thb"],
                "bank_code": r["bank_code"],
                "bank_account_no": r["bank_account_no"],
                "status": "sent",
            }
            for i, r in enumerate(due.iter_rows(named=True), start=1)
        ]
        if payouts:
            conn.execute(pay_payout.insert(), payouts)
        text = _bank_file(run_id, w.through_on, payouts)
        total = sum((p["net_thb"] for p in payouts), Decimal(0))
        values = {
            "count_payouts": len(payouts),
            "total_thb": total,
            "file_name": f"bulk-transfer-run-{run_id:06d}.csv",
            "file_text": text,
            "file_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        }
        conn.execute(
            update(pay_payout_run).where(pay_payout_run.c.run_id == run_id).values(**values)
        )
        after = {"run_id": run_id, "from_on": w.from_on, "through_on": w.through_on, **values}
        audit.AuditTrail(conn, user, session_id).add(
            "payments.payout.run",
            "pay_payout_run",
            str(run_id),
            None,
            {k: v for k, v in after.items() if k != "file_text"},
        )
    return after


def bank_file(
    actor: User | None, run_id: int, *, settings: Settings | None = None
) -> tuple[str, bytes]:
    """(file name, bytes) of a run's bank file: the stored file, the same every time."""
    settings = settings or load_settings()
    _officer(actor, settings)
    with ops.read(ops.engine(settings)) as conn:
        row = conn.execute(
            select(pay_payout_run.c.file_name, pay_payout_run.c.file_text).where(
                pay_payout_run.c.run_id == run_id
            )
        ).first()
    if row is None:
        raise NotFound("payments.payout.missing_run", run_id=run_id)
    return row.file_name, row.file_text.encode("utf-8")


def runs(actor: User | None, *, settings: Settings | None = None) -> pl.DataFrame:
    settings = settings or load_settings()
    _officer(actor, settings)
    with ops.read(ops.engine(settings)) as conn:
        return ops.fetch_df(
            conn,
            select(
                pay_payout_run.c.run_id,
                pay_payout_run.c.from_on,
                pay_payout_run.c.through_on,
                pay_payout_run.c.count_payouts,
                pay_payout_run.c.total_thb,
                pay_payout_run.c.created_by_name,
                pay_payout_run.c.file_sha256,
            ).order_by(pay_payout_run.c.run_id.desc()),
            {
                "run_id": pl.Int64,
                "from_on": pl.Date,
                "through_on": pl.Date,
                "count_payouts": pl.Int64,
                "total_thb": pl.Float64,
                "created_by_name": pl.Utf8,
                "file_sha256": pl.Utf8,
            },
        )


def apply_returns(
    actor: User | None, con: duckdb.DuckDBPyConnection, *, settings: Settings | None = None
) -> int:
    """Payouts the bank returned (the payout_returns feed): marked returned, and the money
    put back on the seller with a ``bank_returned`` hold. Idempotent; returns how many."""
    settings = settings or load_settings()
    user = _officer(actor, settings)
    returned = con.execute(
        "select payout_id, amount_thb, reason_code from lake.fct_payout_return"
    ).fetchall()
    if not returned:
        return 0
    done = 0
    with ops.write(ops.engine(settings)) as conn:
        known = set(
            conn.execute(
                select(pay_hold.c.payout_id).where(pay_hold.c.payout_id.is_not(None))
            ).scalars()
        )
        for payout_id, amount, reason in returned:
            if payout_id in known:
                continue
            ours = (
                conn.execute(select(pay_payout).where(pay_payout.c.payout_id == payout_id))
                .mappings()
                .first()
            )
            if ours is None:
                seller = query.fetch_one(
                    con, "select seller_id from lake.fct_payout where payout_id = ?", [payout_id]
                )
                if seller is None:
                    continue
                seller_id = seller[0]
            else:
                seller_id = ours["seller_id"]
                conn.execute(
                    update(pay_payout)
                    .where(pay_payout.c.payout_id == payout_id)
                    .values(status="returned")
                )
            values = {
                "seller_id": seller_id,
                "reason_code": "bank_returned",
                "note": reason,
                "payout_id": payout_id,
                "amount_thb": amount,
                "created_by_name": "bank",
                "created_at": now(),
            }
            hold_id = conn.execute(
                pay_hold.insert().values(**values).returning(pay_hold.c.hold_id)
            ).scalar_one()
            audit.AuditTrail(conn, user, None).add(
                "payments.hold.bank_return", "pay_hold", str(hold_id), None, values
            )
            done += 1
    return done


def money_trail(
    actor: User | None,
    con: duckdb.DuckDBPyConnection,
    seller_id: str,
    *,
    settings: Settings | None = None,
) -> pl.DataFrame:
    """One seller's money: order → payment → settlement → bank credit → payout."""
    settings = settings or load_settings()
    _officer(actor, settings)
    return query.run(con, "payments/money_trail", seller_id=seller_id)
