"""COD custody: the cash a branch holds, seen nationally by payments officers and by a
branch manager for their own branch or region only (enforced in the service)."""

from __future__ import annotations

import dataclasses

import pytest

from dashboard.errors import PermissionDenied
from dashboard.payments import custody
from etl.demo import payments as demo_payments
from warehouse.lake import connect_reader
from warehouse.settings import Settings


@pytest.fixture
def lake_and_ops(demo_settings: Settings, sqlite_ops: Settings) -> Settings:
    return dataclasses.replace(demo_settings, ops_db_url=sqlite_ops.ops_db_url)


def _unremitted_branch(con, inbox) -> tuple[str, str]:
    """The branch (and its postal region) holding a COD parcel the demo left unremitted."""
    planted = [
        e["ref"] for e in demo_payments.read_manifest(inbox) if e["class"] == "cod_not_remitted"
    ]
    return con.execute(
        "select s.dest_branch_code, b.postal_region_code from fct_shipment s "
        "join dim_branch b on b.branch_code = s.dest_branch_code "
        "where list_contains(?, s.tracking_no) order by 1 limit 1",
        [planted],
    ).fetchone()


def test_branch_managers_see_only_their_branch_or_region(lake_and_ops, make_user) -> None:
    con = connect_reader(lake_and_ops)
    try:
        branch, region = _unremitted_branch(con, lake_and_ops.inbox_dir / "demo")
        officer, _ = make_user("payments_officer")
        _, national = custody.custody(officer, con, settings=lake_and_ops)
        assert branch in national["branch_code"].to_list()
        assert national["overdue_thb"].sum() > 0

        mine, _ = make_user("branch_manager", branch_code=branch, postal_region_code=None)
        _, own = custody.custody(mine, con, settings=lake_and_ops)
        assert own["branch_code"].to_list() == [branch]

        regional, _ = make_user("branch_manager", postal_region_code=region)
        _, area = custody.custody(regional, con, settings=lake_and_ops)
        regions = con.execute(
            "select distinct postal_region_code from dim_branch "
            "where list_contains(?, branch_code)",
            [area["branch_code"].to_list()],
        ).fetchall()
        assert regions == [(region,)]
        assert branch in area["branch_code"].to_list()

        ministry, _ = make_user("ministry")
        with pytest.raises(PermissionDenied):
            custody.custody(ministry, con, settings=lake_and_ops)
    finally:
        con.close()
