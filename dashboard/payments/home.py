"""The payments officer's home figures: payment health and money settled, national.

Moved here from ``dashboard.home`` (which calls :func:`figures` for the role) so that the
payments domain owns its definitions; the SQL is ``warehouse/sql/payments/home_*.sql``.
"""

from __future__ import annotations

import duckdb

from dashboard import home
from warehouse import query


def figures(con: duckdb.DuckDBPyConnection, window: dict) -> home.HomeFigures:
    row = query.run(con, "payments/home_health", **window).row(0, named=True)
    metrics = [
        home.Metric(
            "payment_success_rate_30d",
            home.percent(row["count_charges_ok"], row["count_charges_decided"]),
            "percent",
        ),
        home.Metric("failed_payments_30d", int(row["failed_payments_30d"]), "count"),
        home.Metric("refunds_chargebacks_30d", int(row["refunds_chargebacks_30d"]), "count"),
        home.Metric("settled_net_thb_30d", float(row["settled_net_thb_30d"]), "thb"),
        home.Metric("payouts_held", int(row["payouts_held"]), "count"),
        home.Metric("payouts_held_thb", float(row["payouts_held_thb"]), "thb"),
    ]
    monthly = home.monthly_series(
        query.run(con, "payments/home_settled_monthly", **window), "settled_net_thb_monthly"
    )
    return home.HomeFigures(metrics, monthly)
