"""COD custody: cash the postmen collected and their branch has not remitted yet.

Payments officers and admins see every branch; a branch manager sees their branch, or
every branch of their postal region: the scope is applied here, in the query, never by
the page.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from dashboard.errors import PermissionDenied
from dashboard.identity import authz
from dashboard.identity.user import User
from dashboard.payments import marts, recon
from warehouse.settings import Settings, load_settings


def _branches(con: duckdb.DuckDBPyConnection, scope: authz.Scope) -> list[str] | None:
    """The branches of the scope; None for national."""
    if scope.kind == "national":
        return None
    if scope.kind == "branch":
        return [scope.branch_code or ""]
    if scope.kind == "postal_region":
        rows = con.execute(
            "select branch_code from lake.dim_branch where postal_region_code = ?",
            [scope.postal_region_code],
        ).fetchall()
        return [r[0] for r in rows]
    raise PermissionDenied("error.no_scope")


def custody(
    actor: User | None,
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: dt.date | None = None,
    settings: Settings | None = None,
) -> tuple[dt.date | None, pl.DataFrame]:
    """(as_of, cash in custody per branch of the actor's scope)."""
    settings = settings or load_settings()
    user = authz.current(actor, settings)
    if user.role not in authz.COD_CUSTODY_VIEWERS:
        raise PermissionDenied(role=user.role)
    branches = _branches(con, authz.scope_of(user))
    as_of = as_of or recon.default_as_of(con) or dt.date.today()
    df = marts.run(
        con,
        "payments/cod_custody",
        as_of=as_of,
        national=branches is None,
        branches=branches or [],
        cod_limit_days=settings.cod_remit_limit_days,
    )
    return as_of, df
