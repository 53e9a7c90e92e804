"""A Phang Nga office's sheet as Excel saves it: Thai headers, places by name, banks and
seller types in words, Buddhist-era dates and Thai digits, Windows-874."""

from __future__ import annotations

from tests.onboarding.helpers import make_pin

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
HEADER = [
    "ประเภทผู้ขาย",
    "ชื่อกลุ่ม",
    "เลขประจำตัวประชาชน",
    "รหัสทะเบียนวิสาหกิจชุมชน",
    "จำนวนสมาชิก",
    "บ้านเลขที่",
    "หมู่",
    "ตำบล",
    "อำเภอ",
    "จังหวัด",
    "รหัสไปรษณีย์",
    "เบอร์โทร",
    "ธนาคาร",
    "เลขที่บัญชี",
    "วันที่ยื่น",
]


def dashed(pin: str) -> str:
    return f"{pin[0]}-{pin[1:5]}-{pin[5:10]}-{pin[10:12]}-{pin[12]}"


def row(n: int, **over: str) -> dict[str, str]:
    """A good row of Phang Nga: ต.บ่อแสน อ.ทับปุด 82180, a BAAC account, 12-digit."""
    values = {
        "ประเภทผู้ขาย": "วิสาหกิจชุมชน",
        "ชื่อกลุ่ม": f"วิสาหกิจชุมชนบ้านบ่อแสน {n}",
        "เลขประจำตัวประชาชน": dashed(make_pin(f"38201{n:07d}")),
        "รหัสทะเบียนวิสาหกิจชุมชน": f"4-82-07-03/1-{n:04d}",
        "จำนวนสมาชิก": "๑๕",
        "บ้านเลขที่": f"{n}/1",
        "หมู่": "๔",
        "ตำบล": "ต.บ่อแสน",
        "อำเภอ": "อ.ทับปุด",
        "จังหวัด": "จ.พังงา",
        "รหัสไปรษณีย์": "๘๒๑๘๐",
        "เบอร์โทร": f"08{n:08d}".translate(THAI),
        "ธนาคาร": "ธ.ก.ส.",
        "เลขที่บัญชี": f"{n:012d}",
        "วันที่ยื่น": "๑๕/๐๓/๒๕๖๘",
    }
    values.update(over)
    return values


def phangnga_rows() -> list[dict[str, str]]:
    """Lines 2-4 good (names, เมือง, English), lines 5-9 bad, one reason each."""
    return [
        row(1),  # line 2
        row(  # line 3: the capital district written เมือง, a housewives' group, GSB
            2,
            **{
                "ประเภทผู้ขาย": "กลุ่มแม่บ้านเกษตรกร",
                "ตำบล": "ท้ายช้าง",
                "อำเภอ": "เมือง",
                "จังหวัด": "พังงา",
                "รหัสไปรษณีย์": "82000",
                "ธนาคาร": "ออมสิน",
                "วันที่ยื่น": "1 มี.ค. 2568",
            },
        ),
        row(  # line 4: English place names, an OTOP producer, Krungthai 10 digits
            3,
            **{
                "ประเภทผู้ขาย": "ผู้ผลิต OTOP",
                "รหัสทะเบียนวิสาหกิจชุมชน": "",
                "ตำบล": "Bo Saen",
                "อำเภอ": "Thap Put",
                "จังหวัด": "Phang Nga",
                "ธนาคาร": "กรุงไทย",
                "เลขที่บัญชี": "1234567890",
            },
        ),
        row(4, **{"รหัสไปรษณีย์": "82000"}),  # line 5: postal code of another place
        row(5, **{"ตำบล": "บ่อแสนน"}),  # line 6: no such subdistrict
        # line 7: a name many provinces have, no district, province or postal code
        row(6, **{"ตำบล": "ตลาด", "อำเภอ": "", "จังหวัด": "", "รหัสไปรษณีย์": ""}),
        row(7, **{"ธนาคาร": "ธนาคารดาวอังคาร"}),  # line 8: unknown bank
        row(8, **{"เลขประจำตัวประชาชน": "1-2345-67890-12-0"}),  # line 9: check digit
    ]


def csv_bytes(rows: list[dict[str, str]], header: list[str] | None = None) -> bytes:
    header = header or HEADER
    lines = [",".join(header)] + [",".join(r.get(h, "") for h in header) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode("cp874")
