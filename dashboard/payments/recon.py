"""The reconciliation engine: breaks found in the lake by SQL, kept as cases in the ops DB.

``warehouse/sql/payments/breaks.sql`` classifies every break of the three rails as of a
day (the newest payment day in the lake unless given). ``run`` then brings the cases in
step with that set, in one write transaction:

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
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb
import polars as pl
from sqlalchemy import Connection, DateTime, func, insert, literal, select, update

from dashboard.errors import NotFound
from dashboard.identity import audit, authz
from dashboard.identity.user import User
from dashboard.payments import marts
from warehouse import ops, query, vocab
from warehouse.lake import LakeMissing, connect_reader, current_snapshot
from warehouse.ops_schema_payments import (
    pay_case,
    pay_case_event,
    pay_recon_break,
    pay_recon_run,
)
from warehouse.settings import Settings, load_settings

ACTORS = authz.PAYMENTS_ACTORS
# A run over every day (breaks.sql's $since).
EVERY_DAY = dt.date(1900, 1, 1)
# Why a case closes when its break is no longer found, by class.
CLOSED_REASON = {
    "missing_settlement": "settlement_arrived",
    "amount_mismatch": "amount_corrected",
    "unfunded_batch": "credit_arrived",
    "cod_not_remitted": "remittance_arrived",
    "orphan_settlement": "record_matched",
    "orphan_credit": "record_matched",
}
_FIELDS = (
    "break_class",
    "rail",
    "ref",
    "order_id",
    "seller_id",
    "province_code",
    "branch_code",
    "amount_thb",
    "occurred_on",
    "due_on",
    "detail",
)
_CHANGING = ("amount_thb", "due_on", "detail")
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


@dataclass
class RunResult:
    run_id: int
    as_of: dt.date
    count_breaks: int
    count_opened: int
    count_updated: int
    count_closed: int
    count_reopened: int
    since_on: dt.date | None = None  # the first day re-examined; None: every day
    idle: bool = False  # nothing changed since the last run: no day was re-examined

    @property
    def changed(self) -> bool:
        return bool(
            self.count_opened or self.count_updated or self.count_closed or self.count_reopened
        )

    def text(self) -> str:
        scope = (
            "no day re-examined: nothing changed since the last run"
            if self.idle
            else "every day re-examined"
            if self.since_on is None
            else f"days from {self.since_on} re-examined"
        )
        return (
            f"reconciliation as of {self.as_of} ({scope}): "
            f"{self.count_breaks} breaks; "
            f"{self.count_opened} cases opened, {self.count_updated} updated, "
            f"{self.count_closed} closed by the data, {self.count_reopened} reopened "
            f"(run {self.run_id})"
        )


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


def _now() -> dt.datetime:
    from dashboard.onboarding.store import now

    return now()


def _same(case: dict[str, Any], brk: dict[str, Any]) -> bool:
    for f in _CHANGING:
        a, b = case[f], brk[f]
        if isinstance(a, Decimal | float) or isinstance(b, Decimal | float):
            if Decimal(str(a)) != Decimal(str(b)):
                return False
        elif a != b:
            return False
    return True


def _event(case_id: int, action: str, frm: str | None, to: str | None, at: dt.datetime, note=None):
    return {
        "case_id": case_id,
        "action": action,
        "from_status": frm,
        "to_status": to,
        "note": note,
        "actor_id": None,
        "actor_name": "reconciliation",
        "at": at,
    }


def _keep_breaks(conn: Connection, breaks: pl.DataFrame, since: dt.date | None) -> int:
    """The run's break set into ``pay_recon_break``: the days from ``since`` replaced
    (all when EVERY_DAY; none when None); returns how many breaks there are now."""
    if since is not None:
        if since <= EVERY_DAY:
            conn.execute(pay_recon_break.delete())
        else:
            conn.execute(pay_recon_break.delete().where(pay_recon_break.c.occurred_on >= since))
            keys = breaks["break_key"].to_list()
            for i in range(0, len(keys), 500):
                conn.execute(
                    pay_recon_break.delete().where(
                        pay_recon_break.c.break_key.in_(keys[i : i + 500])
                    )
                )
        ops.insert_frame(conn, pay_recon_break, breaks.select("break_key", "occurred_on"))
    return conn.execute(select(func.count()).select_from(pay_recon_break)).scalar_one()


def sync(
    conn: Connection,
    breaks: pl.DataFrame,
    as_of: dt.date,
    started: dt.datetime,
    by: str | None,
    *,
    since: dt.date | None = EVERY_DAY,
    snapshot: int | None = None,
    key: str | None = None,
) -> RunResult:
    """Bring the cases in step with ``breaks`` inside the caller's write transaction.
    ``breaks`` are those of the days from ``since`` (EVERY_DAY: all; None: no day was
    re-examined): only the cases of those days may close."""
    at = _now()
    run_id = conn.execute(
        insert(pay_recon_run)
        .values(
            as_of=as_of,
            started_at=started,
            finished_at=at,
            count_breaks=breaks.height,
            count_opened=0,
            count_updated=0,
            count_closed=0,
            count_reopened=0,
            run_by_name=by,
            lake_snapshot=snapshot,
            params_key=key,
            since_on=None if since is None or since <= EVERY_DAY else since,
        )
        .returning(pay_recon_run.c.run_id)
    ).scalar_one()
    cases = {
        r["break_key"]: dict(r)
        for r in conn.execute(select(pay_case).where(pay_case.c.status != "resolved")).mappings()
    }
    resolved = set(
        conn.execute(select(pay_case.c.break_key).where(pay_case.c.status == "resolved"))
        .scalars()
        .all()
    )
    seen = set(breaks["break_key"].to_list())
    events = []
    updated = reopened = 0
    # Breaks with a case still open or closed by the data, one by one; the others (most of
    # them on a first run) are new cases, inserted together below.
    for brk in breaks.filter(pl.col("break_key").is_in(list(cases))).iter_rows(named=True):
        case = cases[brk["break_key"]]
        values = {f: brk[f] for f in _FIELDS}
        if case["status"] == "closed_by_data":
            conn.execute(
                update(pay_case)
                .where(pay_case.c.case_id == case["case_id"], pay_case.c.status == "closed_by_data")
                .values(
                    **values,
                    status="open",
                    closed_reason=None,
                    closed_at=None,
                    updated_at=at,
                    last_seen_run_id=run_id,
                    version=case["version"] + 1,
                )
            )
            events.append(_event(case["case_id"], "reopened", "closed_by_data", "open", at))
            reopened += 1
        elif not _same(case, brk):
            conn.execute(
                update(pay_case)
                .where(pay_case.c.case_id == case["case_id"])
                .values(
                    **values, updated_at=at, last_seen_run_id=run_id, version=case["version"] + 1
                )
            )
            events.append(
                _event(
                    case["case_id"], "updated", case["status"], case["status"], at, brk["detail"]
                )
            )
            updated += 1
    opened = ops.insert_frame(
        conn,
        pay_case,
        breaks.filter(~pl.col("break_key").is_in([*cases, *resolved]))
        .select("break_key", *_FIELDS)
        .with_columns(
            status=pl.lit("open"),
            opened_at=pl.lit(at),
            updated_at=pl.lit(at),
            first_run_id=pl.lit(run_id),
            last_seen_run_id=pl.lit(run_id),
            version=pl.lit(1),
        ),
    )
    if opened:
        # each new case's "opened" event, written by the database from the cases themselves
        conn.execute(
            insert(pay_case_event).from_select(
                ["case_id", "action", "to_status", "actor_name", "at"],
                select(
                    pay_case.c.case_id,
                    literal("opened"),
                    literal("open"),
                    literal("reconciliation"),
                    literal(at, DateTime),
                )
                .where(pay_case.c.first_run_id == run_id)
                .order_by(pay_case.c.case_id),
            )
        )
    closed = 0
    for brk_key, case in cases.items():
        if brk_key in seen or case["status"] not in vocab.CASE_OPEN_STATUSES:
            continue
        if since is None or (
            since > EVERY_DAY and (case["occurred_on"] is None or case["occurred_on"] < since)
        ):
            continue  # a day this run did not re-examine: its break stands
        reason = CLOSED_REASON.get(case["break_class"], "no_longer_found")
        conn.execute(
            update(pay_case)
            .where(pay_case.c.case_id == case["case_id"], pay_case.c.status == case["status"])
            .values(
                status="closed_by_data",
                closed_reason=reason,
                closed_at=at,
                updated_at=at,
                last_seen_run_id=run_id,
                version=case["version"] + 1,
            )
        )
        events.append(
            _event(case["case_id"], "closed_by_data", case["status"], "closed_by_data", at, reason)
        )
        closed += 1
    if events:
        conn.execute(insert(pay_case_event), events)
    total = _keep_breaks(conn, breaks, since)
    result = RunResult(
        run_id,
        as_of,
        total,
        opened,
        updated,
        closed,
        reopened,
        None if since is None or since <= EVERY_DAY else since,
        since is None,
    )
    conn.execute(
        update(pay_recon_run)
        .where(pay_recon_run.c.run_id == run_id)
        .values(
            count_breaks=total,
            count_opened=result.count_opened,
            count_updated=updated,
            count_closed=closed,
            count_reopened=reopened,
            finished_at=_now(),
        )
    )
    return result


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
    started = _now()
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
