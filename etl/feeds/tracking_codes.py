"""Thailand Post tracking status codes with Thai and English descriptions (DOMAIN.md).

Unknown codes appear in real feeds and are kept as they come; this table only supplies
descriptions when a file is written for the demo.
"""

from __future__ import annotations

STATUS_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "101": ("เตรียมการฝากส่ง", "Preload"),
    "102": ("รับฝากผ่านตัวแทน", "Accepted by agent"),
    "103": ("รับฝาก", "Accepted"),
    "104": ("ยกเลิกการรับฝาก", "Acceptance cancelled"),
    "201": ("อยู่ระหว่างการขนส่ง", "In transit"),
    "202": ("ดำเนินพิธีการศุลกากร", "Customs"),
    "203": ("ส่งคืนต้นทาง", "Return to sender"),
    "204": ("ถึงที่ทำการแลกเปลี่ยนระหว่างประเทศขาออก", "Outward office of exchange"),
    "205": ("ถึงที่ทำการแลกเปลี่ยนระหว่างประเทศขาเข้า", "Inward office of exchange"),
    "206": ("ถึงที่ทำการไปรษณีย์", "Arrived at post office"),
    "207": ("เตรียมการขนส่ง", "Prepare transit"),
    "211": ("รับเข้าศูนย์คัดแยก", "Received at sorting centre"),
    "301": ("อยู่ระหว่างการนำจ่าย", "Out for delivery"),
    "302": ("นำจ่าย ณ จุดรับสิ่งของ", "At pick-up point"),
    "401": ("นำจ่ายไม่สำเร็จ", "Delivery failed"),
    "402": ("ออกใบแจ้ง", "Notice left"),
    "501": ("นำจ่ายสำเร็จ", "Delivered"),
    "901": ("โอนเงินให้ผู้ขายเรียบร้อยแล้ว", "COD money paid to seller"),
}
