"""Which statement a payments page runs: the marts' (lake migration 0012, refreshed by the
writer: ``etl/load/payment_marts.py``) once they are built, else the direct one on the
facts. Both give the same figures (``tests/payments/test_marts.py``)."""

from __future__ import annotations

import duckdb

from warehouse import query

# The lake reads that have a ``<name>_mart`` twin reading the marts.
MART_BACKED = frozenset(
    {
        "payments/as_of",
        "payments/statement",
        "payments/funding",
        "payments/health_daily",
        "payments/health_channels",
        "payments/failure_reasons",
        "payments/settlement_lag",
        "payments/settlement_fees",
        "payments/cod_custody",
        "payments/payout_eligible",
    }
)


def built(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the lake's payments marts were refreshed whole at least once."""
    try:
        row = query.fetch_one(con, "select count(*) from lake.mart_pay_state")
    except duckdb.CatalogException:
        return False
    return bool(row and row[0])


def run(con: duckdb.DuckDBPyConnection, name: str, **params):
    """``query.run`` of ``name``, or of its mart twin when the marts are built."""
    if name in MART_BACKED and built(con):
        name = f"{name}_mart"
    return query.run(con, name, **params)
