"""The daily statement per rail: where the money buyers paid is, day by day.

Two halves (``warehouse/sql/payments/statement.sql`` and ``funding.sql``): by payment day,
paid = settled + in transit (within the expected lag) + open breaks + residual; by value
day, gross − fees − VAT − refunds = net, and net = bank credits + residual. On the demo
the first residual is 0 and the second is exactly the unfunded and short-funded breaks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import polars as pl

from dashboard.errors import ValidationFailed
from dashboard.identity import authz
from dashboard.identity.user import User
from dashboard.payments import marts, recon
from warehouse import vocab
from warehouse.settings import Settings, load_settings

DEFAULT_DAYS = 30


@dataclass
class Statement:
    rail: str
    as_of: dt.date | None
    by_payment_day: pl.DataFrame
    by_value_day: pl.DataFrame

    def total(self, frame: str, column: str) -> float:
        df = getattr(self, frame)
        return float(df[column].sum() or 0) if df.height else 0.0


def daily_statement(
    actor: User | None,
    con: duckdb.DuckDBPyConnection,
    rail: str = "gateway",
    *,
    days: int = DEFAULT_DAYS,
    as_of: dt.date | None = None,
    settings: Settings | None = None,
) -> Statement:
    """The statement of ``rail`` for the ``days`` up to ``as_of`` (the newest payment day)."""
    settings = settings or load_settings()
    authz.require_role(actor, "payments_officer", "admin", settings=settings)
    if rail not in vocab.PAYMENT_RAILS:
        raise ValidationFailed("payments.statement.unknown_rail", rail=rail)
    as_of = as_of or recon.default_as_of(con)
    if as_of is None:
        empty = marts.run(con, "payments/statement", **_params(settings, rail, dt.date.today(), 0))
        return Statement(rail, None, empty, empty.clear())
    params = _params(settings, rail, as_of, days)
    return Statement(
        rail,
        as_of,
        marts.run(con, "payments/statement", **params),
        marts.run(con, "payments/funding", **params),
    )


def _params(settings: Settings, rail: str, as_of: dt.date, days: int) -> dict:
    return {
        **recon.break_params(settings, as_of),
        "rail": rail,
        "start": as_of - dt.timedelta(days=days),
    }
