"""Which branches a user's logistics figures cover, decided here for every service.

Branch managers see their branch, or every branch of their postal region; admins (and the
command line) the whole country, optionally narrowed to a postal region or a branch. A
region or branch asked for (a filter, a link's URL parameter) outside the user's scope is
refused, never widened: the page cannot ask for more than the account may see.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from dashboard.errors import NotFound, PermissionDenied
from dashboard.identity import authz
from dashboard.identity.user import User
from warehouse.query import fetch_df
from warehouse.settings import Settings


@dataclass(frozen=True)
class BranchScope:
    """The shipments a figure covers: those accepted at ``branches`` (all when national)."""

    national: bool
    branches: tuple[str, ...] = ()
    postal_region_code: str | None = None  # the region asked for or the user's own
    branch_code: str | None = None  # one branch asked for or the user's own

    def params(self) -> dict:
        return {"national": self.national, "branches": list(self.branches)}


def _region_branches(con: duckdb.DuckDBPyConnection, region: str) -> tuple[str, ...]:
    df = fetch_df(
        con,
        "select branch_code from dim_branch where postal_region_code = ? order by branch_code",
        [region],
    )
    return tuple(df["branch_code"].to_list())


def _branch_region(con: duckdb.DuckDBPyConnection, branch: str) -> str | None:
    df = fetch_df(con, "select postal_region_code from dim_branch where branch_code = ?", [branch])
    if df.is_empty():
        raise NotFound("logistics.branch_not_found", branch=branch)
    return df["postal_region_code"][0]


def resolve(
    user: User | None,
    con: duckdb.DuckDBPyConnection,
    *,
    region: str | None = None,
    branch: str | None = None,
    viewers: frozenset[str] = authz.LOGISTICS_VIEWERS,
    settings: Settings | None = None,
) -> BranchScope:
    """The branches ``user`` may see, narrowed to ``region`` / ``branch`` when asked.

    PermissionDenied for a role outside ``viewers`` or a region or branch outside the
    user's scope; NotFound for a branch that does not exist.
    """
    user = authz.current(user, settings)
    if user.role not in viewers and not (user.role == authz.SYSTEM_ROLE):
        raise PermissionDenied(role=user.role)
    scope = authz.scope_of(user)
    if scope.kind == "branch":
        own = scope.branch_code
        own_region = _branch_region(con, own)
        if (branch and branch != own) or (region and region != own_region):
            raise PermissionDenied("logistics.outside_scope")
        return BranchScope(False, (own,), own_region, own)
    if scope.kind == "postal_region":
        own_region = scope.postal_region_code
        if region and region != own_region:
            raise PermissionDenied("logistics.outside_scope")
        if branch:
            if _branch_region(con, branch) != own_region:
                raise PermissionDenied("logistics.outside_scope")
            return BranchScope(False, (branch,), own_region, branch)
        return BranchScope(False, _region_branches(con, own_region), own_region)
    if scope.kind != "national":
        raise PermissionDenied(role=user.role)
    if branch:
        in_region = _branch_region(con, branch)
        if region and in_region != region:
            raise NotFound("logistics.branch_not_found", branch=branch)
        return BranchScope(False, (branch,), in_region, branch)
    if region:
        return BranchScope(False, _region_branches(con, region), region)
    return BranchScope(True)


def branches(
    user: User | None,
    con: duckdb.DuckDBPyConnection,
    *,
    region: str | None = None,
    settings: Settings | None = None,
) -> pl.DataFrame:
    """branch_code, name_th, name_en, postal_region_code of the branches ``user`` may see
    (in ``region`` when given): the choices of a branch filter."""
    s = resolve(user, con, region=region, settings=settings)
    sql = (
        "select branch_code, name_th, name_en, postal_region_code from dim_branch "
        "where ? or list_contains(?, branch_code) order by branch_code"
    )
    return fetch_df(con, sql, [s.national, list(s.branches)])


def regions(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """postal_region_code, name_th, name_en of every postal region (ปข.)."""
    return fetch_df(
        con,
        "select postal_region_code, name_th, name_en from dim_postal_region "
        "order by postal_region_code",
    )
