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
gives the stored bytes). Every step is audited. The bank side (the bulk-transfer file and
the bank's returns) is ``payout_bank``; one seller's money trail is ``trail``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb
import polars as pl
from sqlalchemy import case, select, update

from dashboard.errors import Conflict, NotFound, ValidationFailed
from dashboard.identity import audit
from dashboard.identity.user import User
from dashboard.onboarding.store import now
from dashboard.payments import marts, payout_bank
from warehouse import limits, ops, query, vocab
from warehouse.ops_schema_payments import pay_case, pay_hold, pay_payout, pay_payout_run
from warehouse.settings import Settings, load_settings

CENT = Decimal("0.01")


_officer = payout_bank.officer


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class Window:
    from_on: dt.date
    through_on: dt.date
    run_on: dt.date | None = None  # the next run day (today when today is one)
    is_run_day: bool = False


def run_weekday(settings: Settings) -> int:
    """The payout run's weekday (Monday 0), from ``POSTMART_PAYOUT_WEEKDAY``."""
    text = str(settings.payout_weekday).strip().lower()[:3]
    if text not in WEEKDAYS:
        raise ValidationFailed("payments.payout.bad_weekday", value=settings.payout_weekday)
    return WEEKDAYS.index(text)


def next_run_on(settings: Settings, today: dt.date) -> dt.date:
    """The next payout run day on or after ``today`` (weekly, on the setting's weekday)."""
    return today + dt.timedelta(days=(run_weekday(settings) - today.weekday()) % 7)


def window(
    con: duckdb.DuckDBPyConnection, settings: Settings, today: dt.date | None = None
) -> Window:
    """The delivery days the next run pays for: (last run's last day, today − window], and
    the next run day."""
    today = today or now().date()
    run_on = next_run_on(settings, today)
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
    return Window(last, through, run_on, run_on == today)


def _ops_holds(settings: Settings) -> tuple[pl.DataFrame, dict[str, Decimal]]:
    """Reasons per seller from the ops DB (stored holds, open cases) as (seller_id,
    ops_holds: list), and money put back."""
    pairs: list[tuple[str, str]] = []
    carried: dict[str, Decimal] = {}
    with ops.read(ops.engine(settings)) as conn:
        pairs += conn.execute(
            select(pay_hold.c.seller_id, pay_hold.c.reason_code).where(
                pay_hold.c.released_at.is_(None)
            )
        ).all()
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
        # one row per seller and reason, not per open case (118,000 on the large demo)
        reason = case((pay_case.c.break_class == "chargeback", "chargeback"), else_="open_break")
        pairs += conn.execute(
            select(pay_case.c.seller_id, reason)
            .where(
                pay_case.c.status.in_(vocab.CASE_OPEN_STATUSES), pay_case.c.seller_id.is_not(None)
            )
            .distinct()
        ).all()
    # flat columns, then lists (a list column built from Python lists of 27,000 sellers
    # took polars longer than the queries)
    reasons = (
        pl.DataFrame(
            {"seller_id": [p[0] for p in pairs], "code": [p[1] for p in pairs]},
            schema={"seller_id": pl.Utf8, "code": pl.Utf8},
        )
        .unique()
        .group_by("seller_id")
        .agg(pl.col("code").alias("ops_holds"))
    )
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
    payout_bank.apply_returns_once(actor, con, settings=settings)
    w = window(con, settings, today)
    df = marts.run(
        con,
        "payments/payout_eligible",
        from_on=w.from_on,
        through_on=w.through_on,
        window_days=settings.payout_return_window_days,
    )
    ops_holds, carried = _ops_holds(settings)
    fee = Decimal(str(settings.payout_transfer_fee_thb)).quantize(CENT)
    minimum = Decimal(str(settings.payout_min_thb)).quantize(CENT)
    # Vectorised (a Python loop over the sellers cost more than the query).
    dec = pl.Decimal(14, 2)
    back = pl.DataFrame(
        {"seller_id": list(carried), "carried_thb": list(carried.values())},
        schema={"seller_id": pl.Utf8, "carried_thb": dec},
    )
    money = ["gross_thb", "fee_thb", "refunds_thb", "chargebacks_thb"]
    out = (
        df.join(ops_holds, on="seller_id", how="left")
        .join(back, on="seller_id", how="left")
        .with_columns(
            pl.col("carried_thb").fill_null(Decimal(0)).cast(dec),
            pl.lit(fee, dtype=dec).alias("transfer_fee_thb"),
            pl.concat_list(pl.col("lake_holds").fill_null([]), pl.col("ops_holds").fill_null([]))
            .list.unique()
            .list.sort()
            .alias("hold_reasons"),
        )
        .with_columns(
            (
                pl.col(money[0]).cast(dec)
                - pl.col(money[1]).cast(dec)
                - pl.col(money[2]).cast(dec)
                - pl.col(money[3]).cast(dec)
                + pl.col("carried_thb")
                - pl.col("transfer_fee_thb")
            )
            .cast(dec)
            .alias("net_thb")
        )
        .with_columns(
            pl.when(pl.col("hold_reasons").list.len() > 0)
            .then(pl.lit("held"))
            .when(pl.col("net_thb") >= pl.lit(minimum, dtype=dec))
            .then(pl.lit("scheduled"))
            .otherwise(pl.lit("below_minimum"))
            .alias("status")
        )
    )
    columns = [c for c in df.columns if c != "lake_holds"]
    out = out.select(
        *columns, "carried_thb", "transfer_fee_thb", "net_thb", "hold_reasons", "status"
    )
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
    if not w.is_run_day:
        # Weekly, on the setting's weekday: paying on another day would shift every later
        # window and pay sellers out of the rhythm they were told.
        raise ValidationFailed(
            "payments.payout.not_run_day", next_on=w.run_on.isoformat() if w.run_on else ""
        )
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
        text = payout_bank.bank_file_text(run_id, w.through_on, payouts)
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
