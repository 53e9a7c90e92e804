"""The demo's seller master is the one the sync writes from the ops DB."""

from __future__ import annotations

from dashboard.identity import authz
from dashboard.impact import demo_ops, seller_master
from dashboard.onboarding import imports
from tests.impact.helpers import copy_lake
from warehouse.lake import connect_reader


def test_sync_after_the_demo_changes_nothing(demo_settings, sqlite_ops, data_dir, monkeypatch):
    copy_lake(demo_settings, data_dir, monkeypatch)
    imports.import_from_lake(authz.CLI_ACTOR)
    suspended = demo_ops.suspend_demo_sellers(authz.CLI_ACTOR)
    con = connect_reader()
    try:
        in_lake = con.execute(
            "select count(*) filter (where status = 'suspended'), count(*) from dim_seller "
            "where seller_id in (select seller_id from seller_application)"
        ).fetchone()
    finally:
        con.close()
    assert suspended == in_lake[0] > 0
    result = seller_master.sync_sellers(authz.CLI_ACTOR)
    assert (result.inserted, result.updated) == (0, 0)
    assert result.unchanged == in_lake[1]
