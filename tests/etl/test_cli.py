"""`postmart etl load` prints a summary by reason; `postmart etl status` lists loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.cli import main
from tests.etl.helpers import write_csv
from tests.lake_catalogs import both_catalogs
from warehouse.settings import Settings


@both_catalogs
def test_load_then_status(lake: Settings, tmp_path: Path, capsys: pytest.CaptureFixture):
    path = write_csv(
        tmp_path / "payouts_june.csv",
        "payout_id,seller_id,period_start_on,period_end_on,scheduled_on,paid_at,count_orders,"
        "gross_thb,fee_thb,transfer_fee_thb,net_thb,bank_code,bank_account_no,status\n"
        "P1,S000001,2024-06-01,2024-06-30,2024-07-05,2024-07-05 10:00:00,3,900.00,0,30,870.00,"
        "030,123456789012,paid\n"
        "P2,S000002,2024-06-01,2024-06-30,2024-07-05,,3,900.00,0,30,870.00,004,12345,paid\n",
    )
    assert main(["etl", "load", str(path)]) == 0
    out = capsys.readouterr().out
    assert "payouts_june.csv [payouts]: read 2 / loaded 1 / quarantined 1" in out
    assert "bad_bank_account: 1" in out
    assert main(["etl", "load", str(path)]) == 0
    assert "already loaded, nothing changed" in capsys.readouterr().out
    assert main(["etl", "status"]) == 0
    out = capsys.readouterr().out
    assert "payouts" in out and "payouts_june.csv" in out and "quarantined        1" in out


def test_failed_file_exits_nonzero(lake: Settings, tmp_path: Path, capsys):
    path = tmp_path / "orders_broken.parquet"
    path.write_bytes(b"not parquet at all")
    assert main(["etl", "load", str(path)]) == 1
    assert "FAILED  orders_broken.parquet: not a readable Parquet file" in capsys.readouterr().out
