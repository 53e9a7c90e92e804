"""The marketplace's applications feed (ETL) reads the same header and value variants as
the provincial sheet: Thai headers, places, banks, seller types and yes/no in words, BE
dates with Thai digits or month names; an unknown word is quarantined with its reason."""

from __future__ import annotations

from pathlib import Path

import geothai
import polars as pl

from etl.feeds import APPLICATIONS, read_feed
from etl.feeds.specs import detect_by_header
from etl.feeds.validate import LakeLookups, validate
from tests.onboarding.helpers import make_pin

HEADER = (
    "เลขที่ใบสมัคร,ประเภทผู้ขาย,ชื่อกลุ่ม,เลขประจำตัวประชาชน,ผู้มีรายได้น้อย,ตำบล,อำเภอ,จังหวัด,"
    "รหัสไปรษณีย์,ธนาคาร,เลขที่บัญชี,สถานะ,วันที่ยื่น"
)


class Geography(LakeLookups):
    """The reference geography from geothai, no lake."""

    def postal_pairs(self) -> pl.DataFrame:
        return pl.DataFrame(
            [
                (s.code, p)
                for pr in geothai.provinces()
                for d in geothai.districts(pr.code)
                for s in geothai.subdistricts(d.code)
                for p in s.postal_codes
            ],
            schema=["subdistrict_code", "postal_code"],
            orient="row",
        )

    def unknown(self, table: str, column: str, values: pl.Series) -> pl.Series:
        return values.head(0)


def _line(n: int, **over: str) -> str:
    v = {
        "id": f"APP-{n}",
        "type": "กลุ่มแม่บ้านเกษตรกร",
        "name": f"กลุ่มแม่บ้าน {n}",
        "pin": make_pin(f"38202{n:07d}"),
        "low": "✓",
        "sub": "ต.บ่อแสน",
        "dist": "อ.ทับปุด",
        "prov": "พังงา",
        "post": "๘๒๑๘๐",
        "bank": "ธ.ก.ส.",
        "acct": f"{n:012d}",
        "status": "submitted",
        "date": "๑๕ มี.ค. ๒๕๖๘",
    }
    v.update(over)
    return ",".join(v.values())


def test_applications_feed_in_thai_words(tmp_path: Path) -> None:
    lines = [
        HEADER,
        _line(1),  # line 2: good
        _line(2, sub="Bo Saen", dist="Thap Put", prov="Phang Nga", bank="ออมสิน"),  # good
        _line(3, sub="ท้ายช้าง", dist="เมือง", post="82000", low="ไม่มี"),  # good
        _line(4, type="สหกรณ์ออมทรัพย์"),  # line 5: unknown seller type
        _line(5, sub="บ่อแสนน"),  # line 6: unknown place
        _line(6, low="บางที"),  # line 7: not a yes/no
    ]
    path = tmp_path / "ใบสมัคร.csv"
    # ✓ has no Windows-874 code: Excel saves such a sheet as "CSV UTF-8" (with a BOM).
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    assert detect_by_header(HEADER.split(","), "csv") is APPLICATIONS
    raw = read_feed(path, APPLICATIONS)
    result = validate(raw, APPLICATIONS, Geography())
    good = result.good.sort("application_id")
    assert good["application_id"].to_list() == ["APP-1", "APP-2", "APP-3"]
    assert good["subdistrict_code"].to_list() == ["820703", "820703", "820101"]
    assert good["province_code"].to_list() == ["82", "82", "82"]
    assert good["seller_type"].to_list() == ["housewife_group"] * 3
    assert good["bank_code"].to_list() == ["034", "030", "034"]
    assert good["is_low_income"].to_list() == [True, True, False]
    assert good["submitted_at"].dt.date().cast(pl.Utf8).to_list() == ["2025-03-15"] * 3
    reasons = {
        (r["line_no"], r["field"]): r["reason_code"]
        for r in result.quarantine.iter_rows(named=True)
    }
    assert reasons == {
        (5, "seller_type"): "unknown_value",
        (6, "subdistrict_code"): "unknown_subdistrict",
        (7, "is_low_income"): "bad_boolean",
    }
