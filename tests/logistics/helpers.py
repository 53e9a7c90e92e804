"""Feed files for the logistics tests: parcel labels and track-API responses, written the
way the upstream systems write them (Thai responses with Buddhist-era years)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from etl.feeds.checks import s10_check_digit
from warehouse.lake import connect_reader
from warehouse.settings import Settings


def s10(serial: int, prefix: str = "EF") -> str:
    digits = f"{serial:08d}"
    return f"{prefix}{digits}{s10_check_digit(digits)}TH"


@dataclass(frozen=True)
class Place:
    branch_code: str
    other_branch_code: str
    subdistrict_code: str
    postal_code: str


def place(settings: Settings) -> Place:
    con = connect_reader(settings)
    try:
        b1, b2 = [
            r[0]
            for r in con.execute(
                "select branch_code from dim_branch order by branch_code limit 2"
            ).fetchall()
        ]
        sub, postal = con.execute(
            "select subdistrict_code, postal_code from dim_postal_code "
            "order by subdistrict_code limit 1"
        ).fetchone()
    finally:
        con.close()
    return Place(b1, b2, sub, postal)


def labels_csv(path: Path, rows: list[dict]) -> Path:
    header = (
        "tracking_no,order_id,service_code,acceptance_branch_code,dest_subdistrict_code,"
        "dest_postal_code,weight_kg,cod_amount_thb,cold_chain_class,created_at"
    )
    lines = [header]
    for r in rows:
        lines.append(
            ",".join(
                str(r.get(k, ""))
                for k in (
                    "tracking_no",
                    "order_id",
                    "service_code",
                    "branch_code",
                    "subdistrict_code",
                    "postal_code",
                    "weight_kg",
                    "cod_amount_thb",
                    "cold_chain_class",
                    "created_at",
                )
            )
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def label(tracking_no: str, p: Place, **over) -> dict:
    row = {
        "tracking_no": tracking_no,
        "order_id": "O-" + tracking_no,
        "service_code": "EMS",
        "branch_code": p.branch_code,
        "subdistrict_code": p.subdistrict_code,
        "postal_code": p.postal_code,
        "weight_kg": 1.5,
        "cod_amount_thb": "",
        "cold_chain_class": "ambient",
        "created_at": "2026-03-02 08:00:00",
    }
    return {**row, **over}


@dataclass(frozen=True)
class Ev:
    barcode: str
    status: str
    at: dt.datetime
    location: str = "ไปรษณีย์ทดสอบ"
    branch_code: str | None = None
    delivery_status: str | None = None


def _status_date(at: dt.datetime, lang: str) -> str:
    year = at.year + (543 if lang == "TH" else 0)
    return f"{at:%d/%m}/{year} {at:%H:%M:%S}+07:00"


def track_json(path: Path, events: list[Ev], lang: str = "TH") -> Path:
    """A track-API response (``{"response": {"items": {barcode: [...]}}}``)."""
    items: dict[str, list[dict]] = {}
    for e in events:
        items.setdefault(e.barcode, []).append(
            {
                "barcode": e.barcode,
                "status": e.status,
                "status_description": "",
                "status_date": _status_date(e.at, lang),
                "location": e.location,
                "postcode": "10000",
                "branch_code": e.branch_code,
                "delivery_status": e.delivery_status,
                "delivery_description": None,
                "delivery_datetime": None,
                "receiver_name": None,
                "signature": None,
            }
        )
    doc = {
        "response": {"items": items, "track_count": {"count_number": len(items)}},
        "message": "successful",
        "status": True,
    }
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def shipment(settings: Settings, tracking_no: str) -> dict | None:
    con = connect_reader(settings)
    try:
        cur = con.execute("select * from fct_shipment where tracking_no = ?", [tracking_no])
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row, strict=True))
    finally:
        con.close()
