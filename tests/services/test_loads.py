"""Data loads through the service: uploads stay in the inbox, loads are audited, the
ledger and the quarantine are readable and exportable (admin only)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard.admin import audit_log, loads
from dashboard.errors import PermissionDenied, ValidationFailed
from dashboard.identity import auth
from warehouse.lake import connect_writer
from warehouse.settings import Settings

BRANCHES_CSV = (
    "branch_code,name_th,name_en,branch_type,subdistrict_code,postal_code,lat,lon,is_active\n"
    "T0001,ไปรษณีย์ทดสอบ,Test PO,post_office,999999,99999,8.1,98.3,true\n"
    "T0002,ไปรษณีย์ผิด,Bad PO,castle,999999,99999,8.1,98.3,true\n"
).encode()


@pytest.fixture
def ops_settings(settings: Settings) -> Settings:
    """SQLite only: these rules live in Python, the same on either engine."""
    return settings


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("orders.csv", "orders.csv"),
        ("../../etc/passwd.csv", "passwd.csv"),
        ("..\\..\\windows\\orders.csv", "orders.csv"),
        ("/abs/path/settlement 2025-06.csv", "settlement_2025-06.csv"),
        (".hidden_orders.csv", "hidden_orders.csv"),
        ("คำสั่งซื้อ orders.csv", "คำสั่งซื้อ_orders.csv"),
    ],
)
def test_uploads_stay_in_the_uploads_folder(
    admin: auth.User, ops_settings: Settings, given: str, stored: str
) -> None:
    path = loads.save_upload(admin, given, b"a,b\n1,2\n")
    uploads = (ops_settings.inbox_dir / loads.UPLOADS).resolve()
    assert path.parent == uploads
    assert path.name == stored
    assert path.read_bytes() == b"a,b\n1,2\n"


@pytest.mark.parametrize("given", ["payload.exe", "..", "../.csv", "noext"])
def test_uploads_refuse_what_is_not_a_feed_file(admin: auth.User, given: str) -> None:
    with pytest.raises(ValidationFailed):
        loads.save_upload(admin, given, b"x")


def test_same_name_twice_keeps_both(admin: auth.User) -> None:
    first = loads.save_upload(admin, "orders.csv", b"1")
    second = loads.save_upload(admin, "orders.csv", b"2")
    assert (first.name, second.name) == ("orders.csv", "orders-2.csv")
    assert audit_log.browse(admin, action="data.upload").height == 2


def test_loading_outside_the_inbox_is_refused(admin: auth.User, tmp_path: Path) -> None:
    outside = tmp_path / "branches.csv"
    outside.write_bytes(BRANCHES_CSV)
    with pytest.raises(PermissionDenied):
        loads.run_loads(admin, [outside], None)
    with pytest.raises(PermissionDenied):
        loads.run_loads(admin, ["../../branches.csv"], None)


def test_a_load_is_audited_and_its_quarantine_readable(
    admin: auth.User, ops_settings: Settings
) -> None:
    with connect_writer(ops_settings):
        pass  # an empty lake with its schema
    path = loads.save_upload(admin, "branches.csv", BRANCHES_CSV)
    assert path in loads.list_inbox(admin)
    seen: list[float] = []
    results = loads.run_loads(admin, [path], lambda frac, msg: seen.append(frac))
    assert len(results) == 1 and results[0].status == "loaded", results
    result = results[0]
    assert seen and seen[-1] == 1.0
    entry = audit_log.browse(admin, action="data.load").row(0, named=True)
    assert entry["entity_id"] == result.load_id
    assert json.loads(entry["after"])["count_read"] == result.count_read == 2
    ledger = loads.ledger(admin)
    assert result.load_id in ledger["load_id"].to_list()
    assert ledger.filter(load_id=result.load_id)["loaded_by"].item() == admin.username
    rows = loads.quarantine(admin, result.load_id)
    assert rows.height >= result.count_quarantined >= 1
    csv_text = loads.quarantine_csv(admin, result.load_id).decode("utf-8")
    assert csv_text.startswith("\ufeff") and "castle" in csv_text


def test_warehouse_tables_count_what_a_load_committed(
    admin: auth.User, ops_settings: Settings
) -> None:
    assert loads.warehouse_tables(admin).is_empty()  # no lake yet: nothing, no error
    with connect_writer(ops_settings):
        pass
    before = dict(loads.warehouse_tables(admin).iter_rows())
    assert before["dim_branch"] == 0 and "fct_order" in before
    path = loads.save_upload(admin, "branches.csv", BRANCHES_CSV)
    [result] = loads.run_loads(admin, [path], None)
    after = dict(loads.warehouse_tables(admin).iter_rows())
    assert after["dim_branch"] == result.count_loaded == 1
    assert after["etl_quarantine"] >= result.count_quarantined >= 1
