"""Reconciliation's cases brought in step with a run's breaks (``sync``), inside the
caller's write transaction: new breaks open cases, a break whose case the data had closed
reopens it, a changed break updates its open case, and an open case whose break is gone
closes itself with the reason the data gives. An officer's resolution stands over a rerun.
The breaks come from ``recon.find_breaks``; ``recon.run`` calls this."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from sqlalchemy import Connection, DateTime, func, insert, literal, select, update

from warehouse import ops, vocab
from warehouse.ops_schema_payments import (
    pay_case,
    pay_case_event,
    pay_recon_break,
    pay_recon_run,
)

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


def now() -> dt.datetime:
    """The ops DB's clock (``dashboard.onboarding.store.now``)."""
    from dashboard.onboarding import store

    return store.now()


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


def _step(
    conn: Connection,
    case: dict[str, Any],
    at: dt.datetime,
    run_id: int,
    *,
    if_status: str | None = None,
    **values: Any,
) -> None:
    """One case moved by a run: ``values`` set, stamped with the run and its version up
    (only while its status is still ``if_status``, when given)."""
    where = [pay_case.c.case_id == case["case_id"]]
    if if_status is not None:
        where.append(pay_case.c.status == if_status)
    conn.execute(
        update(pay_case)
        .where(*where)
        .values(**values, updated_at=at, last_seen_run_id=run_id, version=case["version"] + 1)
    )


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
    at = now()
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
            _step(
                conn,
                case,
                at,
                run_id,
                if_status="closed_by_data",
                **values,
                status="open",
                closed_reason=None,
                closed_at=None,
            )
            events.append(_event(case["case_id"], "reopened", "closed_by_data", "open", at))
            reopened += 1
        elif not _same(case, brk):
            _step(conn, case, at, run_id, **values)
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
        _step(
            conn,
            case,
            at,
            run_id,
            if_status=case["status"],
            status="closed_by_data",
            closed_reason=reason,
            closed_at=at,
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
            finished_at=now(),
        )
    )
    return result
