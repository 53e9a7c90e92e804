"""Places by name: a sheet's subdistrict, district and province as offices write them
(``ต.บ่อแสน``, ``อ.ทับปุด``, ``เมืองพังงา``, ``Phang Nga``, or DOPA codes) read into codes with
``geothai``'s address matching, and checked against the postal code.

``resolve`` answers one row: the codes when exactly one subdistrict fits, else the reason
(unknown, ambiguous, not in the district or province written, postal code of another place)
with the candidates an officer can choose from.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Collection
from dataclasses import dataclass, field

import geothai
from geothai.types import Address

from etl.feeds.words import THAI_DIGITS

# How many candidates a problem lists.
MAX_CANDIDATES = 5
_LEVEL = re.compile(r"^(?:ตำบล|แขวง|อำเภอ|เขต|จังหวัด|[ตอจ]\.)\s*")
_MARKS = re.compile(r"[\s.'-]")


@dataclass(frozen=True)
class Place:
    subdistrict_code: str | None
    district_code: str | None
    province_code: str | None
    # None when resolved (or when the sheet gave codes: check_address judges those);
    # else unknown, ambiguous, not_in_area or postal_code.
    problem: str | None = None
    candidates: tuple[Address, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.problem is None


def _text(value: object) -> str:
    return "" if value is None else str(value).translate(THAI_DIGITS).strip()


def _is_code(text: str, length: int) -> bool:
    return text.isdigit() and len(text) == length


def describe_place(a: Address, lang: str) -> str:
    """``ต.บ่อแสน อ.ทับปุด จ.พังงา 82180`` / ``Bo Saen, Thap Put, Phang Nga 82180``."""
    postal = "/".join(a.subdistrict.postal_codes)
    if lang == "en":
        return f"{a.subdistrict.name_en}, {a.district.name_en}, {a.province.name_en} {postal}"
    bangkok = a.province.code == "10"
    sub, dist = ("แขวง", "เขต") if bangkok else ("ต.", "อ.")
    return (
        f"{sub}{a.subdistrict.name_th} {dist}{a.district.name_th} จ.{a.province.name_th} {postal}"
    )


def _in_province(a: Address, text: str) -> bool:
    if _is_code(text, 2):
        return a.province.code == text
    return bool(geothai.match(a.subdistrict.name_th, province=text)) and any(
        m.subdistrict.code == a.subdistrict.code
        for m in geothai.match(a.subdistrict.name_th, province=text)
    )


def _in_district(a: Address, text: str) -> bool:
    if _is_code(text, 4):
        return a.district.code == text
    return any(
        m.subdistrict.code == a.subdistrict.code
        for m in geothai.match(a.subdistrict.name_th, district=text)
    )


def _named(text: str) -> list[Address]:
    """Subdistricts of this name (Thai or English, ต./แขวง optional)."""
    return geothai.match(text)


def _key(text: str) -> str:
    return _MARKS.sub("", _LEVEL.sub("", text.strip().lower()))


@functools.cache
def _all_addresses() -> tuple[Address, ...]:
    return tuple(
        a
        for p in geothai.provinces()
        for d in geothai.districts(p.code)
        for s in geothai.subdistricts(d.code)
        if (a := geothai.address(s.code)) is not None
    )


def _fits(area: object, text: str, length: int) -> bool:
    """Whether a written district or province (name, short form, เมือง, or code) is this."""
    if _is_code(text, length):
        return area.code == text
    key = _key(text)
    if key in (_key(area.name_th), _key(area.name_en)):
        return True
    capital = length == 4 and area.code.endswith("01") and not area.code.startswith("10")
    return capital and key in ("เมือง", "mueang")


@functools.lru_cache(maxsize=4096)
def _similar(
    text: str, district: str, province: str, prefer: tuple[str, ...] = ()
) -> tuple[Address, ...]:
    """For an unknown name: the closest subdistrict names (a typo, a missing tone mark),
    inside the district or province written when they are known, else the officer's
    provinces, else the country (cached: a sheet repeats its typos)."""
    subs = _all_addresses()
    pool = [
        a
        for a in subs
        if (not district or _fits(a.district, district, 4))
        and (not province or _fits(a.province, province, 2))
    ]
    if not pool and province:
        pool = [a for a in subs if _fits(a.province, province, 2)]
    if not pool and not province and prefer:
        pool = [a for a in subs if a.province.code in prefer]
    pool = pool or list(subs)
    names: dict[str, list[Address]] = {}
    for a in pool:
        names.setdefault(_key(a.subdistrict.name_th), []).append(a)
        names.setdefault(_key(a.subdistrict.name_en), []).append(a)
    close = difflib.get_close_matches(_key(text), list(names), n=MAX_CANDIDATES, cutoff=0.6)
    found = {a.subdistrict.code: a for name in close for a in names[name]}
    return tuple(found.values())[:MAX_CANDIDATES]


def resolve_place(
    subdistrict: object,
    district: object = None,
    province: object = None,
    postal_code: object = None,
    *,
    prefer_provinces: Collection[str] | None = None,
) -> Place:
    """The codes of one row's place. ``prefer_provinces`` (an officer's provinces) settles a
    name shared with another province when the sheet wrote no province."""
    written = tuple(_text(v) for v in (subdistrict, district, province, postal_code))
    return _resolve(*written, tuple(sorted(prefer_provinces or ())))


@functools.lru_cache(maxsize=16384)
def _resolve(sub: str, dist: str, prov: str, post: str, prefer: tuple[str, ...]) -> Place:
    # Cached: a province's sheet names the same few dozen places on every row.
    prefer_provinces = prefer
    if not sub or _is_code(sub, 6) or sub.isdigit():
        # Codes (or nothing): kept as written; the address check judges them.
        return Place(
            sub or None,
            dist if dist.isdigit() else (sub[:4] if _is_code(sub, 6) else None),
            prov if prov.isdigit() else (sub[:2] if _is_code(sub, 6) else None),
        )
    named = _named(sub)
    if not named:
        return Place(None, None, None, "unknown", _similar(sub, dist, prov, prefer))
    inside = [
        a
        for a in named
        if (not prov or _in_province(a, prov)) and (not dist or _in_district(a, dist))
    ]
    if not inside:
        return Place(None, None, None, "not_in_area", tuple(named[:MAX_CANDIDATES]))
    fitting = [a for a in inside if not post or post in a.subdistrict.postal_codes]
    if not fitting:
        return Place(None, None, None, "postal_code", tuple(inside[:MAX_CANDIDATES]))
    if len(fitting) > 1 and prefer_provinces:
        preferred = [a for a in fitting if a.province.code in prefer_provinces]
        fitting = preferred or fitting
    if len(fitting) > 1:
        return Place(None, None, None, "ambiguous", tuple(fitting[:MAX_CANDIDATES]))
    a = fitting[0]
    return Place(a.subdistrict.code, a.district.code, a.province.code)
