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
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb
import polars as pl
from sqlalchemy import Connection, insert, select, update

from dashboard.errors import NotFound
from dashboard.identity import audit, authz
from dashboard.identity.user import User
from dashboard.payments import marts
from warehouse import ops, query, vocab
from warehouse.lake import LakeMissing, connect_reader
from warehouse.ops_schema_payments import pay_case, pay_case_event, pay_recon_run
from warehouse.settings import Settings, load_settings

ACTORS = authz.PAYMENTS_ACTORS
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

    @property
    def changed(self) -> bool:
        return bool(
            self.count_opened or self.count_updated or self.count_closed or self.count_reopened
        )

    def text(self) -> str:
        return (
            f"reconciliation as of {self.as_of}: {self.count_breaks} breaks; "
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
    }


def find_breaks(
    con: duckdb.DuckDBPyConnection, settings: Settings, as_of: dt.date | None = None
) -> tuple[dt.date, pl.DataFrame]:
    """(as_of, every break as of that day) from the lake; no ops DB involved."""
    as_of = as_of or default_as_of(con) or dt.date.today()
    return as_of, query.run(con, "payments/breaks", **break_params(settings, as_of))


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


def sync(
    conn: Connection, breaks: pl.DataFrame, as_of: dt.date, started: dt.datetime, by: str | None
) -> RunResult:
    """Bring the cases in step with ``breaks`` inside the caller's write transaction."""
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
    new_rows, events = [], []
    updated = reopened = 0
    seen: set[str] = set()
    for brk in breaks.iter_rows(named=True):
        key = brk["break_key"]
        seen.add(key)
        if key in resolved:
            continue
        case = cases.get(key)
        values = {f: brk[f] for f in _FIELDS}
        if case is None:
            new_rows.append(
                {
                    **values,
                    "break_key": key,
                    "status": "open",
                    "opened_at": at,
                    "updated_at": at,
                    "first_run_id": run_id,
                    "last_seen_run_id": run_id,
                    "version": 1,
                }
            )
            continue
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
    if new_rows:
        conn.execute(insert(pay_case), new_rows)
        ids = conn.execute(
            select(pay_case.c.case_id).where(pay_case.c.first_run_id == run_id)
        ).scalars()
        events += [_event(cid, "opened", None, "open", at) for cid in ids]
    closed = 0
    for key, case in cases.items():
        if key in seen or case["status"] not in vocab.CASE_OPEN_STATUSES:
            continue
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
    result = RunResult(run_id, as_of, breaks.height, len(new_rows), updated, closed, reopened)
    conn.execute(
        update(pay_recon_run)
        .where(pay_recon_run.c.run_id == run_id)
        .values(
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
) -> RunResult:
    """Reconcile the lake as of ``as_of`` and bring the cases in step (payments officers,
    admins, the command line). NotFound("lake.missing") without a lake."""
    settings = settings or load_settings()
    user = authz.require_role(actor, *sorted(ACTORS - {authz.SYSTEM_ROLE}), settings=settings)
    started = _now()
    own = con is None
    if own:
        try:
            con = connect_reader(settings)
        except LakeMissing as exc:
            raise NotFound("lake.missing") from exc
    try:
        as_of, breaks = find_breaks(con, settings, as_of)
    finally:
        if own:
            con.close()
    with ops.write(ops.engine(settings)) as conn:
        result = sync(conn, breaks, as_of, started, user.username)
        audit.AuditTrail(conn, user, session_id).add(
            "payments.recon.run",
            "pay_recon_run",
            str(result.run_id),
            None,
            {k: v for k, v in result.__dict__.items()},
        )
    return result


# Feeds whose rows reconciliation reads: a load of one of them may open or close cases.
MONEY_FEEDS = frozenset(
    {
        "orders",
        "settlements",
        "payments",
        "counter_payments",
        "cod_remittances",
        "bank_statement",
        "tracking_api",
        "tracking_jsonl",
    }
)


def after_load(
    actor: User | None,
    feeds: set[str] | None,
    *,
    settings: Settings | None = None,
    session_id: str | None = None,
) -> RunResult | None:
    """Reconcile after a load that brought rows of a money feed (``feeds``: the feeds that
    loaded, None when unknown). A failure here never fails the load: the next run catches
    up, since a run reads the whole lake."""
    from dashboard.errors import AppError
    from warehouse.lake import LakeError

    if feeds is not None and not feeds & MONEY_FEEDS:
        return None
    try:
        return run(actor, settings=settings, session_id=session_id)
    except (AppError, LakeError):
        return None
