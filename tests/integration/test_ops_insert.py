"""``ops.insert_frame``: the driver-level bulk insert stores what SQLAlchemy's own insert
stores (dates, times, decimals, nulls), on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
from sqlalchemy import insert, select

from warehouse import ops
from warehouse.ops_schema_payments import pay_case, pay_recon_break
from warehouse.settings import Settings

AT = dt.datetime(2026, 12, 7, 9, 30, 0, 123456)


def _case(key: str, amount: str, due: dt.date | None, detail: str | None) -> dict:
    return {
        "break_key": key,
        "break_class": "amount_mismatch",
        "rail": "gateway",
        "ref": "TXN-1",
        "order_id": "ORD-ก-1",
        "seller_id": None,
        "province_code": "82",
        "branch_code": None,
        "amount_thb": Decimal(amount),
        "occurred_on": dt.date(2026, 1, 2),
        "due_on": due,
        "detail": detail,
        "status": "open",
        "opened_at": AT,
        "updated_at": AT.replace(microsecond=0),
        "first_run_id": 1,
        "last_seen_run_id": 1,
        "version": 1,
    }


def test_insert_frame_stores_what_sqlalchemy_stores(ops_settings: Settings) -> None:
    rows = [
        _case("a", "1234.56", dt.date(2026, 2, 28), "ผ้าทอ 'มือ'"),
        _case("b", "-0.01", None, None),
    ]
    frame = pl.DataFrame(rows, schema_overrides={"amount_thb": pl.Decimal(14, 2)})
    eng = ops.engine(ops_settings)
    with ops.write(eng) as conn:
        conn.execute(insert(pay_case), [{**r, "break_key": "sa-" + r["break_key"]} for r in rows])
        assert ops.insert_frame(conn, pay_case, frame) == 2
        assert ops.insert_frame(conn, pay_recon_break, frame.head(0).select("break_key")) == 0
    with ops.read(eng) as conn:
        stored = {
            r["break_key"]: {k: v for k, v in r.items() if k not in ("case_id", "break_key")}
            for r in conn.execute(select(pay_case)).mappings()
        }
    assert stored["a"] == stored["sa-a"]
    assert stored["b"] == stored["sa-b"]
    assert stored["a"]["amount_thb"] == Decimal("1234.56")
    assert stored["a"]["opened_at"] == AT and stored["b"]["due_on"] is None
    assert stored["a"]["detail"] == "ผ้าทอ 'มือ'"
