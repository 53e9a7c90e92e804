"""The reconciliation engine: breaks found in the lake by SQL, kept as cases in the ops DB.

``warehouse/sql/payments/breaks.sql`` classifies every break of the three rails as of a
day (the newest payment day in the lake unless given). ``run`` then brings the cases in
step with that set (``case_sync.sync``), in one write transaction:

- a break without a case opens one (``open``);
- a break whose case the data had closed reopens it; a case an officer resolved stays
  resolved (their word stands over a rerun);
- an open case whose break changed (amount, due day, detail) is updated;
- an open case whose break is gone closes itself (``closed_by_data``) with the reason the
  data gives (the late settlement arrived, the credit came in …).

A rerun over the same lake changes nothing: the case set is a function of the lake, each
case keyed by its break's ``break_key``. Every run is recorded (``pay_recon_run``) and
audited as one entry; every case step is an event of its case.

Incremental: a run re-examines only the days a change could move (``since``), and keeps
the breaks of earlier days as the last run found them (``pay_recon_break``). ``since`` is
the earliest day of the rows the lake's commits after the last run's snapshot inserted,
updated or deleted, and of the lake rows their keys name (``recon_changes.sql`` and
``marts/since.sql``), and — when the as-of day moved — the first day whose breaks can fall
due by the new day. The seller master, the calendar or a contract changing, other
settings, an earlier as-of day or no earlier run mean a run over every day. Each break's
day (``occurred_on``) is a day of one of the rows that make it, so the breaks of the days
before ``since`` are the same; a test holds incremental runs equal to full ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import polars as pl
from sqlalchemy import select

from dashboard.errors import NotFound
from dashboard.identity import audit, authz
from dashboard.identity.user import User
from dashboard.payments import marts
from dashboard.payments.case_sync import EVERY_DAY, RunResult, now, sync
from warehouse import ops, query
from warehouse.lake import LakeMissing, connect_reader, current_snapshot
from warehouse.ops_schema_payments import pay_recon_run
from warehouse.settings import Settings, load_settings

ACTORS = authz.PAYMENTS_ACTORS
# The columns of a break (breaks.sql's result).
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


def default_as_of(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The newest day with a successful payment: the day the lake's money is known up to."""
    return marts.run(con, "payments/as_of")["as_of"][0]


def break_params(settings: Settings, as_of: dt.date) -> dict[str, Any]:
    return {
        "as_of": as_of,
        "tol_thb": settings.recon_amount_tolerance_thb,
        "tol_pct": settings.recon_amount_tolerance_pct,
        "fee_tol_thb": settings.recon_fee_tolerance_thb,
        "grace_days": settings.recon_grace_business_days,
        "cod_limit_days": settings.cod_remit_limit_days,
        "counter_lag_days": settings.counter_credit_lag_days,
        "since": EVERY_DAY,
    }


def find_breaks(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    as_of: dt.date | None = None,
    since: dt.date = EVERY_DAY,
) -> tuple[dt.date, pl.DataFrame]:
    """(as_of, every break as of that day whose day is ``since`` or later) from the lake;
    no ops DB involved."""
    as_of = as_of or default_as_of(con) or dt.date.today()
    params = {**break_params(settings, as_of), "since": since}
    # A run over every day reads each fact whole: its narrowing lines would only test
    # every row against every other (the same breaks, slower).
    everything = since <= EVERY_DAY
    return as_of, query.run(con, "payments/breaks", drop_narrowing=everything, **params)


def params_key(settings: Settings) -> str:
    """The settings a break set depends on: a run under others re-examines every day."""
    p = break_params(settings, dt.date(2000, 1, 1))
    return ";".join(f"{k}={p[k]}" for k in sorted(p) if k not in ("as_of", "since"))


def _due_since(
    con: duckdb.DuckDBPyConnection, settings: Settings, last_as_of: dt.date
) -> dt.date | None:
    """The first day whose breaks can fall due after ``last_as_of``: a due day is at most
    the longest lag (contract, counter, COD limit) plus the grace in business days after
    its break's day."""
    row = query.fetch_one(
        con,
        "select max(settlement_lag_days) from lake.ref_gateway_contract",
    )
    lag = max(int(row[0] or 0) if row else 0, 1, settings.cod_remit_limit_days)
    lag = max(lag, settings.counter_credit_lag_days) + settings.recon_grace_business_days + 1
    found = query.fetch_one(
        con,
        "select min(d.date_day) from lake.mart_business_day d where d.roll_seq + ? >= "
        "(select business_day_seq from lake.mart_business_day where date_day = ?)",
        [lag, last_as_of],
    )
    return found[0] if found and found[0] else None


def scope(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    as_of: dt.date,
    snapshot: int,
    last: Any,
) -> dt.date | None:
    """The first day this run must re-examine after ``last`` (the last run's row): EVERY_DAY
    for all, None for none (nothing changed, the as-of day did not move)."""
    if (
        last is None
        or last.params_key != params_key(settings)
        or last.lake_snapshot is None
        or last.lake_snapshot > snapshot
        or as_of < last.as_of
    ):
        return EVERY_DAY
    days: list[dt.date] = []
    if snapshot > last.lake_snapshot:
        changed = query.run(
            con,
            "payments/recon_changes",
            from_snapshot=last.lake_snapshot + 1,
            to_snapshot=snapshot,
        ).row(0, named=True)
        if changed["count_everything"]:
            return EVERY_DAY
        if changed["count_keys"]:
            found = query.fetch_one(
                con,
                query.sql_text("payments/marts/since"),
                {
                    "floor": changed["floor"],
                    "txn_ids": changed["txn_ids"],
                    "order_ids": changed["order_ids"],
                    "tracking_nos": changed["tracking_nos"],
                    "refs": changed["refs"],
                },
            )
            days.append((found and found[0]) or EVERY_DAY)
    if as_of > last.as_of:
        days.append(_due_since(con, settings, last.as_of) or EVERY_DAY)
    return max(min(days), EVERY_DAY) if days else None


def run(
    actor: User | None,
    *,
    settings: Settings | None = None,
    as_of: dt.date | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    session_id: str | None = None,
    full: bool = False,
) -> RunResult:
    """Reconcile the lake as of ``as_of`` and bring the cases in step (payments officers,
    admins, the command line): incrementally after an earlier run, every day when ``full``.
    NotFound("lake.missing") without a lake."""
    settings = settings or load_settings()
    user = authz.require_role(actor, *sorted(ACTORS - {authz.SYSTEM_ROLE}), settings=settings)
    started = now()
    own = con is None
    if own:
        try:
            con = connect_reader(settings)
        except LakeMissing as exc:
            raise NotFound("lake.missing") from exc
    engine = ops.engine(settings)
    try:
        as_of = as_of or default_as_of(con) or dt.date.today()
        snapshot = current_snapshot(con)
        with ops.read(engine) as conn:
            last = conn.execute(
                select(pay_recon_run).order_by(pay_recon_run.c.run_id.desc()).limit(1)
            ).first()
        since = EVERY_DAY if full else scope(con, settings, as_of, snapshot, last)
        if since is None:
            breaks = pl.DataFrame(schema=BREAK_SCHEMA)
        else:
            as_of, breaks = find_breaks(con, settings, as_of, since)
    finally:
        if own:
            con.close()
    with ops.write(engine) as conn:
        result = sync(
            conn,
            breaks,
            as_of,
            started,
            user.username,
            since=since,
            snapshot=snapshot,
            key=params_key(settings),
        )
        audit.AuditTrail(conn, user, session_id).add(
            "payments.recon.run",
            "pay_recon_run",
            str(result.run_id),
            None,
            {k: v for k, v in result.__dict__.items()},
        )
    return result
