"""Payment health and settlement: success by channel and day, failure reasons, refund and
chargeback rates, channels falling below their own baseline; settlement lag per rail in
business days, fees and VAT against the contract, net settled."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import polars as pl

from dashboard.identity import authz
from dashboard.identity.user import User
from dashboard.payments import marts, recon
from warehouse.settings import Settings, load_settings

RECENT_DAYS = 7
BASELINE_DAYS = 28
# A drop must be this large and this clear (two-proportion z) before a channel is flagged.
MIN_DROP_POINTS = 5.0
Z_LIMIT = 3.0


@dataclass
class Health:
    as_of: dt.date | None
    daily: pl.DataFrame  # channel, day, count_ok, count_failed, success_rate
    channels: pl.DataFrame  # channel, success_rate, baseline_rate, z, is_flagged, rates
    reasons: pl.DataFrame  # channel, failure_reason, count_failed

    @property
    def flagged(self) -> list[str]:
        return self.channels.filter(pl.col("is_flagged"))["channel"].to_list()


@dataclass
class Settlement:
    as_of: dt.date | None
    lag: pl.DataFrame  # rail, lag_business_days, count_settled
    fees: pl.DataFrame  # gateway, gross, fee, vat, contract fee and vat, net

    @property
    def fee_variance_thb(self) -> float:
        if self.fees.is_empty():
            return 0.0
        f = self.fees
        return float(
            (f["fee_thb"] + f["fee_vat_thb"] - f["contract_fee_thb"] - f["contract_vat_thb"]).sum()
        )


def _viewer(actor: User | None, settings: Settings | None) -> None:
    authz.require_role(actor, "payments_officer", "admin", settings=settings or load_settings())


def health(
    actor: User | None,
    con: duckdb.DuckDBPyConnection,
    *,
    days: int = 30,
    as_of: dt.date | None = None,
    settings: Settings | None = None,
) -> Health:
    _viewer(actor, settings)
    end = as_of or recon.default_as_of(con) or dt.date.today()
    window = {"start": end - dt.timedelta(days=days), "end": end}
    return Health(
        end,
        marts.run(con, "payments/health_daily", **window),
        marts.run(
            con,
            "payments/health_channels",
            end=end,
            recent_days=RECENT_DAYS,
            baseline_days=BASELINE_DAYS,
            min_drop_points=MIN_DROP_POINTS,
            z_limit=Z_LIMIT,
        ),
        marts.run(con, "payments/failure_reasons", **window),
    )


def settlement(
    actor: User | None,
    con: duckdb.DuckDBPyConnection,
    *,
    days: int = 30,
    as_of: dt.date | None = None,
    settings: Settings | None = None,
) -> Settlement:
    _viewer(actor, settings)
    end = as_of or recon.default_as_of(con) or dt.date.today()
    window = {"start": end - dt.timedelta(days=days), "end": end}
    return Settlement(
        end,
        marts.run(con, "payments/settlement_lag", **window),
        marts.run(con, "payments/settlement_fees", **window),
    )
