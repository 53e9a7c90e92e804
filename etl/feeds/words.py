"""Values as offices write them, read into the codes the feeds carry.

A provincial sheet (and a hand-made applications file) names banks, seller types and
yes/no answers in words, writes dates in Buddhist-era years with Thai digits or Thai month
names, and keeps a house number and หมู่ apart. Each reader here takes one cell's text and
gives the code, or None when it does not know the word (the caller reports that row).
"""

from __future__ import annotations

import re
import unicodedata

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

# Bank code → the names and abbreviations people write (DOMAIN.md's codes). Matching
# ignores case, spaces, dots and the words ธนาคาร / bank / จำกัด (มหาชน).
BANK_WORDS: dict[str, tuple[str, ...]] = {
    "002": ("BBL", "กรุงเทพ", "ธนาคารกรุงเทพ", "Bangkok Bank", "ธ.กรุงเทพ", "กท"),
    "004": ("KBANK", "KBank", "กสิกร", "กสิกรไทย", "Kasikorn", "Kasikornbank", "K-Bank"),
    "006": ("KTB", "กรุงไทย", "Krungthai", "Krung Thai", "ธ.กรุงไทย"),
    "011": ("TTB", "ทีทีบี", "ทหารไทยธนชาต", "ทหารไทย", "ธนชาต", "TMBThanachart", "TMB"),
    "014": ("SCB", "ไทยพาณิชย์", "Siam Commercial", "ธ.ไทยพาณิชย์"),
    "022": ("CIMBT", "CIMB", "ซีไอเอ็มบี", "ซีไอเอ็มบีไทย", "CIMB Thai"),
    "024": ("UOBT", "UOB", "ยูโอบี", "UOB Thailand"),
    "025": ("BAY", "กรุงศรี", "กรุงศรีอยุธยา", "Krungsri", "Bank of Ayudhya"),
    "030": ("GSB", "ออมสิน", "ธ.ออมสิน", "Government Savings Bank"),
    "033": ("GHB", "อาคารสงเคราะห์", "ธอส", "ธ.อ.ส.", "Government Housing Bank"),
    "034": (
        "BAAC",
        "ธกส",
        "ธ.ก.ส.",
        "เพื่อการเกษตรและสหกรณ์การเกษตร",
        "เพื่อการเกษตร",
        "Bank for Agriculture and Agricultural Cooperatives",
    ),
    "069": ("KKP", "เกียรตินาคินภัทร", "เกียรตินาคิน", "Kiatnakin", "Kiatnakin Phatra"),
    "073": ("LHBANK", "LH Bank", "แลนด์ แอนด์ เฮ้าส์", "แลนด์แอนด์เฮ้าส์", "Land and Houses"),
}

# Seller type code → the Thai and English words for it (warehouse.vocab.SELLER_TYPES).
SELLER_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "community_enterprise": (
        "วิสาหกิจชุมชน",
        "วิสาหกิจ",
        "วสช",
        "เครือข่ายวิสาหกิจชุมชน",
        "community enterprise",
        "CE",
        "SMCE",
    ),
    "otop_producer": (
        "ผู้ผลิต OTOP",
        "OTOP",
        "โอทอป",
        "ผู้ผลิตโอทอป",
        "ผู้ผลิตสินค้า OTOP",
        "ผู้ประกอบการ OTOP",
        "otop producer",
    ),
    "farmer_group": (
        "กลุ่มเกษตรกร",
        "เกษตรกร",
        "กลุ่มเกษตร",
        "farmer group",
        "farmers group",
        "farmers' group",
    ),
    "housewife_group": (
        "กลุ่มแม่บ้านเกษตรกร",
        "กลุ่มแม่บ้าน",
        "แม่บ้านเกษตรกร",
        "แม่บ้าน",
        "housewife group",
        "housewives group",
        "women's group",
    ),
    "individual": (
        "บุคคลธรรมดา",
        "บุคคล",
        "รายบุคคล",
        "ผู้ประกอบการรายบุคคล",
        "individual",
        "person",
    ),
}

TRUE_WORDS = ("ใช่", "มี", "จริง", "เป็น", "✓", "✔", "☑", "/", "x", "yes", "y", "true", "t", "1")
FALSE_WORDS = ("ไม่ใช่", "ไม่มี", "ไม่", "ไม่เป็น", "เท็จ", "✗", "✘", "-", "no", "n", "false", "f", "0")

_WORD_NOISE = re.compile(r"[\s.'’\-_()/,]")
_BANK_NOISE = re.compile(
    r"^(?:ธนาคาร|bank(?:of)?)|(?:จำกัดมหาชน|จำกัด|pcl|plc|publiccompanylimited|bank)$"
)


def fold(text: object) -> str:
    """One form for comparing words: NFC, Thai digits to 0-9, lower case, no spaces or dots."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFC", str(text)).translate(THAI_DIGITS).strip().lower()
    return _WORD_NOISE.sub("", s)


def _bank_key(text: object) -> str:
    key = fold(text)
    for _ in range(2):  # "ธนาคารกรุงไทย จำกัด (มหาชน)": the prefix and the suffix
        key = _BANK_NOISE.sub("", key)
    return key


_BANKS_BY_WORD = {_bank_key(w): code for code, words in BANK_WORDS.items() for w in words}
_TYPES_BY_WORD = {fold(w): code for code, words in SELLER_TYPE_WORDS.items() for w in words}
_TYPES_BY_WORD.update({fold(code): code for code in SELLER_TYPE_WORDS})


def bank_code(text: object) -> str | None:
    """A bank's code from its code (``34``, ``034``), name or abbreviation; None if unknown."""
    s = fold(text)
    if not s:
        return None
    if s.isdigit() and len(s) <= 3:
        return s.zfill(3)
    return _BANKS_BY_WORD.get(_bank_key(text))


def seller_type(text: object) -> str | None:
    """A seller type code from its code or a Thai or English word for it; None if unknown."""
    s = fold(text)
    if not s:
        return None
    if s in _TYPES_BY_WORD:
        return _TYPES_BY_WORD[s]
    return _TYPES_BY_WORD.get(s.replace("ประเภท", "").replace("เป็น", ""))


_TRUE = {fold(w) for w in TRUE_WORDS}
_FALSE = {fold(w) for w in FALSE_WORDS} | {""}


def yes_no(text: object) -> bool | None:
    """ใช่/มี/✓/yes → True, ไม่ใช่/ไม่มี/no → False, blank → None; anything else raises
    ValueError (the caller reports the cell)."""
    if isinstance(text, bool):
        return text
    raw = "" if text is None else unicodedata.normalize("NFC", str(text)).strip().lower()
    if raw in ("-", "/"):  # folding would empty them
        return raw == "/"
    s = fold(raw)
    if s == "":
        return None
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise ValueError(text)


# Thai month names and abbreviations (the way a Thai date is written in full).
THAI_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("มกราคม", "มค"),
    2: ("กุมภาพันธ์", "กพ"),
    3: ("มีนาคม", "มีค"),
    4: ("เมษายน", "เมย"),
    5: ("พฤษภาคม", "พค"),
    6: ("มิถุนายน", "มิย"),
    7: ("กรกฎาคม", "กค"),
    8: ("สิงหาคม", "สค"),
    9: ("กันยายน", "กย"),
    10: ("ตุลาคม", "ตค"),
    11: ("พฤศจิกายน", "พย"),
    12: ("ธันวาคม", "ธค"),
}
_MONTH_BY_WORD = {w: m for m, words in THAI_MONTHS.items() for w in words}
_THAI_DATE = re.compile(r"^(\d{1,2})\s*([ก-๙.]+)\s*(?:พ\.?ศ\.?|ค\.?ศ\.?)?\s*(\d{2,4})$")


def date_text(text: object) -> str | None:
    """A date cell as the feeds' parser reads it: Thai digits to 0-9, ``15 มี.ค. 2568`` and
    ``15 มีนาคม พ.ศ. 2568`` to ``15/03/2568``, a two-digit BE year (``68``) to 2568. The
    parser then takes BE or CE, ISO or day first."""
    if text is None:
        return None
    s = unicodedata.normalize("NFC", str(text)).translate(THAI_DIGITS).strip()
    if not s:
        return None
    m = _THAI_DATE.match(s)
    if m:
        month = _MONTH_BY_WORD.get(m.group(2).replace(".", ""))
        if month is None:
            return s
        year = m.group(3)
        if len(year) == 2:
            year = "25" + year
        return f"{int(m.group(1)):02d}/{month:02d}/{year}"
    short = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{2})$", s)
    if short:
        return f"{short.group(1)}/{short.group(2)}/25{short.group(3)}"
    return s


_MOO = re.compile(r"(?:หมู่ที่|หมู่|ม\.)\s*(\d+)")


def address_line(house_no: object = None, moo: object = None, line: object = None) -> str | None:
    """House number, หมู่ and the rest as one address line: ``12/3 หมู่ 4 ถนนเพชรเกษม``.

    A หมู่ column's bare number becomes ``หมู่ 4``; ``ม.4`` / ``หมู่ที่ 4`` written in the
    line are written ``หมู่ 4`` so the queue reads them one way.
    """
    parts = []
    for value in (house_no, moo, line):
        s = "" if value is None else unicodedata.normalize("NFC", str(value)).strip()
        if s.translate(THAI_DIGITS).isdigit() and value is moo:
            s = f"หมู่ {s.translate(THAI_DIGITS)}"
        if s:
            parts.append(s)
    if not parts:
        return None
    text = " ".join(parts).translate(THAI_DIGITS)
    text = _MOO.sub(lambda m: f"หมู่ {m.group(1)}", text)
    return re.sub(r"\s+", " ", text).strip()
