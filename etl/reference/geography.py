"""Regions, postal zones and regions, provinces, districts, subdistricts and postal codes.

Names and codes come from geothai (DOPA codes); coordinates and population weights from the
GeoNames places in places.py. How each coordinate is chosen, in order of preference:

- province: its capital place (the place named like the province), else its most populous;
- district seat: the most populous place of the province named like the district (for a
  "Mueang" district, like the province), else a place named like one of its subdistricts,
  else an unused place of the province, jittered a few km;
- subdistrict: the first subdistrict of a district (DOPA numbers the seat tambon first) sits
  at the seat; others at a place of the province named like them within
  ``SUBDISTRICT_MATCH_KM`` of the seat, else a random point near the seat.
Every coordinate passes province_of_point for its own province (see places.sample_near).
"""

from __future__ import annotations

import functools
import re

import geothai
import numpy as np
import polars as pl

from etl.reference.places import places, read_csv, sample_near
from etl.reference.schema import conform

# DOPA registered population at the end of 2023 (DOMAIN.md); only its total is used.
NATIONAL_POPULATION = 66_052_615
# GeoNames lists Bangkok as one place of 5.1 M and again as its khet sections; counting the
# city place too would double Bangkok's weight.
BANGKOK_CITY_GEONAMEID = "1609350"
# Places of one province closer than this are the same town listed twice (e.g. "Lat Krabang"
# and "Latkrabang"); only the most populous counts.
DUPLICATE_PLACE_KM = 1.5
SUBDISTRICT_MATCH_KM = 25.0
# Jitter radius around a district seat, by kind of district.
SUBDISTRICT_RADIUS_KM = 7.0
BANGKOK_SUBDISTRICT_RADIUS_KM = 3.0
ISLAND_SUBDISTRICT_RADIUS_KM = 2.0
UNMATCHED_SEAT_RADIUS_KM = 4.0

_PREFIXES = re.compile(
    r"^(amphoe|kingamphoe|khet|mueang|changwat|thesaban\w*|อำเภอ|กิ่งอำเภอ|เขต|"
    r"เทศบาลนคร|เทศบาลเมือง|เทศบาลตำบล|เมือง)"
)


def _key(name: str) -> str:
    """A name reduced for matching: lower case, letters only, administrative prefix gone."""
    compact = re.sub(r"[^a-z\u0e00-\u0e7f]", "", name.lower())
    return _PREFIXES.sub("", compact)


def _place_keys(p: pl.DataFrame) -> dict[tuple[str, str], list[int]]:
    """(province_code, name key) -> row indexes into places(), most populous first."""
    index: dict[tuple[str, str], list[int]] = {}
    order = np.argsort(-p["population"].to_numpy(), kind="stable")
    names, names_th, codes = (
        p["name"].to_list(),
        p["names_th"].to_list(),
        p["province_code"].to_list(),
    )
    for i in order:
        keys = {_key(names[i])} | {_key(n) for n in names_th[i].split("|") if n}
        for k in keys - {""}:
            index.setdefault((codes[i], k), []).append(int(i))
    return index


def _admin_rows() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """geothai's provinces, districts and subdistricts (public API), sorted by code."""
    provs = geothai.provinces()
    dists = [d for p in provs for d in geothai.districts(p.code)]
    subs = [s for d in dists for s in geothai.subdistricts(d.code)]
    province = pl.DataFrame(
        {
            "province_code": [p.code for p in provs],
            "name_th": [p.name_th for p in provs],
            "name_en": [p.name_en for p in provs],
        }
    )
    district = pl.DataFrame(
        {
            "district_code": [d.code for d in dists],
            "province_code": [d.province_code for d in dists],
            "name_th": [d.name_th for d in dists],
            "name_en": [d.name_en for d in dists],
        }
    )
    subdistrict = pl.DataFrame(
        {
            "subdistrict_code": [s.code for s in subs],
            "district_code": [s.district_code for s in subs],
            "province_code": [s.province_code for s in subs],
            "name_th": [s.name_th for s in subs],
            "name_en": [s.name_en for s in subs],
            "postal_codes": [list(s.postal_codes) for s in subs],
        }
    )
    return province, district, subdistrict


def _find(index: dict, province_code: str, *names: str) -> list[int]:
    for name in names:
        hit = index.get((province_code, _key(name)))
        if hit:
            return hit
    return []


def _province_seats(province: pl.DataFrame, index: dict) -> np.ndarray:
    p = places()
    pops = p["population"].to_numpy()
    codes = p["province_code"].to_numpy()
    seats = []
    for code, th, en in province.select("province_code", "name_th", "name_en").iter_rows():
        hit = _find(index, code, en, th)
        if not hit:  # no place named like the province: its most populous place
            members = np.flatnonzero(codes == code)
            hit = [int(members[np.argmax(pops[members])])]
        seats.append(hit[0])
    return np.array(seats)


def _district_seats(
    district: pl.DataFrame,
    subdistrict: pl.DataFrame,
    province: pl.DataFrame,
    index: dict,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    p = places()
    codes = p["province_code"].to_numpy()
    prov_names = {c: (th, en) for c, th, en in province.iter_rows()}
    sub_names = subdistrict.group_by("district_code", maintain_order=True).agg("name_en", "name_th")
    sub_names = {r[0]: r[1] + r[2] for r in sub_names.iter_rows()}
    used: set[int] = set()
    seat = np.full(district.height, -1)
    exact = np.zeros(district.height, dtype=bool)
    rows = district.select("district_code", "province_code", "name_th", "name_en").rows()
    # Pass 1: names of the district itself; pass 2: names of its subdistricts.
    for i, (dcode, pcode, th, en) in enumerate(rows):
        names = (*prov_names[pcode][::-1], en, th) if en.startswith("Mueang ") else (en, th)
        if pcode == "10" and dcode == "1001":  # Phra Nakhon is old Bangkok: the city place
            names = ("Bangkok", en, th)
        hit = [h for h in _find(index, pcode, *names) if h not in used]
        if hit:
            seat[i], exact[i] = hit[0], True
            used.add(hit[0])
    for i, (dcode, pcode, _, _) in enumerate(rows):
        if seat[i] >= 0:
            continue
        hit = [h for h in _find(index, pcode, *sub_names[dcode]) if h not in used]
        if hit:
            seat[i] = hit[0]
            used.add(hit[0])
    # Pass 3: what is left takes an unused place of its province at random (or any place).
    for i, (_, pcode, _, _) in enumerate(rows):
        if seat[i] >= 0:
            continue
        members = [int(j) for j in np.flatnonzero(codes == pcode)]
        free = [j for j in members if j not in used] or members
        seat[i] = free[int(rng.integers(len(free)))]
        used.add(int(seat[i]))
    lat = p["lat"].to_numpy()[seat]
    lon = p["lon"].to_numpy()[seat]
    # A seat that is not its own named place is moved off the place, so two districts
    # never share one point.
    jitter = ~exact
    jlat, jlon = sample_near(
        lat[jitter], lon[jitter], codes[seat][jitter], UNMATCHED_SEAT_RADIUS_KM, rng
    )
    lat[jitter], lon[jitter] = jlat, jlon
    return lat, lon


def _subdistrict_points(
    subdistrict: pl.DataFrame, district: pl.DataFrame, index: dict, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    p = places()
    plat, plon = p["lat"].to_numpy(), p["lon"].to_numpy()
    points = zip(district["lat"], district["lon"], strict=True)
    seat = dict(zip(district["district_code"], points, strict=True))
    island = {
        code
        for code, en in district.select("district_code", "name_en").iter_rows()
        if en.startswith("Ko ")
    }
    n = subdistrict.height
    lat, lon = np.empty(n), np.empty(n)
    sample = np.zeros(n, dtype=bool)
    radius = np.full(n, SUBDISTRICT_RADIUS_KM)
    first_seen: set[str] = set()
    rows = subdistrict.select("district_code", "province_code", "name_th", "name_en").rows()
    for i, (dcode, pcode, th, en) in enumerate(rows):
        slat, slon = seat[dcode]
        lat[i], lon[i] = slat, slon
        if dcode not in first_seen:
            first_seen.add(dcode)
            continue
        hits = _find(index, pcode, en, th)
        if hits:
            d = np.hypot((plat[hits] - slat) * 110.57, (plon[hits] - slon) * 108.0)
            j = int(np.argmin(d))
            if d[j] <= SUBDISTRICT_MATCH_KM:
                lat[i], lon[i] = plat[hits[j]], plon[hits[j]]
                continue
        sample[i] = True
        if pcode == "10":
            radius[i] = BANGKOK_SUBDISTRICT_RADIUS_KM
        elif dcode in island:
            radius[i] = ISLAND_SUBDISTRICT_RADIUS_KM
    codes = subdistrict["province_code"].to_numpy()
    slat, slon = sample_near(lat[sample], lon[sample], codes[sample], radius[sample], rng)
    lat[sample], lon[sample] = slat, slon
    return lat, lon


def _urban_population() -> np.ndarray:
    """Each place's population, without double counting (see the constants above)."""
    p = places()
    pop = p["population"].to_numpy().astype(np.float64)
    pop[p["geonameid"].to_numpy() == BANGKOK_CITY_GEONAMEID] = 0.0
    lat, lon, codes = p["lat"].to_numpy(), p["lon"].to_numpy(), p["province_code"].to_numpy()
    order = np.argsort(-pop, kind="stable")
    for rank, i in enumerate(order):
        if pop[i] == 0:
            continue
        later = order[rank + 1 :]
        near = (codes[later] == codes[i]) & (
            np.hypot((lat[later] - lat[i]) * 110.57, (lon[later] - lon[i]) * 108.0)
            < DUPLICATE_PLACE_KM
        )
        pop[later[near]] = 0.0
    return pop


def _population_weights(subdistrict: pl.DataFrame) -> np.ndarray:
    """Estimated people per subdistrict: a rural base shared evenly, plus the towns in it.

    Each GeoNames place's population goes to the nearest subdistrict point of its own
    province; what the places do not account for of the national population is spread
    evenly over all subdistricts (the rural population GeoNames does not list).
    """
    p = places()
    urban = _urban_population()
    lat, lon = subdistrict["lat"].to_numpy(), subdistrict["lon"].to_numpy()
    codes = subdistrict["province_code"].to_numpy()
    people = np.zeros(subdistrict.height)
    plat, plon, pcodes = p["lat"].to_numpy(), p["lon"].to_numpy(), p["province_code"].to_numpy()
    for code in np.unique(pcodes):
        members = np.flatnonzero(codes == code)
        for i in np.flatnonzero((pcodes == code) & (urban > 0)):
            d = (lat[members] - plat[i]) ** 2 + ((lon[members] - plon[i]) * 0.98) ** 2
            people[members[np.argmin(d)]] += urban[i]
    rural = max(NATIONAL_POPULATION - people.sum(), 0.0) / subdistrict.height
    return people + rural


@functools.lru_cache(maxsize=4)
def build_geography(seed: int = 1) -> dict[str, pl.DataFrame]:
    """The geographic reference tables, keyed by lake table name."""
    rng = np.random.default_rng([seed, 0x6E0])
    index = _place_keys(places())
    province, district, subdistrict = _admin_rows()
    groups = read_csv("province_groups.csv").select(
        "province_code", "region_code", "postal_region_code"
    )

    p = places()
    seats = _province_seats(province, index)
    province = province.with_columns(
        lat=pl.Series(p["lat"].to_numpy()[seats]), lon=pl.Series(p["lon"].to_numpy()[seats])
    )
    dlat, dlon = _district_seats(
        district, subdistrict, province.select("province_code", "name_th", "name_en"), index, rng
    )
    district = district.with_columns(lat=pl.Series(dlat), lon=pl.Series(dlon))
    slat, slon = _subdistrict_points(subdistrict, district, index, rng)
    subdistrict = subdistrict.with_columns(lat=pl.Series(slat), lon=pl.Series(slon))
    people = _population_weights(subdistrict)
    subdistrict = subdistrict.with_columns(people=pl.Series(people)).with_columns(
        population_weight=pl.col("people") / pl.col("people").sum().over("province_code"),
        postal_code=pl.col("postal_codes").list.first(),
    )
    province_people = subdistrict.group_by("province_code").agg(pl.col("people").sum())
    province = (
        province.join(groups, on="province_code", how="left", validate="1:1")
        .join(province_people, on="province_code", how="left", validate="1:1")
        .with_columns(population_weight=pl.col("people") / pl.col("people").sum())
    )
    postal_code = (
        subdistrict.select("subdistrict_code", "district_code", "province_code", "postal_codes")
        .explode("postal_codes", empty_as_null=True)
        .rename({"postal_codes": "postal_code"})
        .with_columns(postal_zone=pl.col("postal_code").str.slice(0, 1))
        .unique(["postal_code", "subdistrict_code"], maintain_order=True)
        .sort("postal_code", "subdistrict_code")
    )
    postal_regions = read_csv("postal_regions.csv")
    return {
        "dim_region": conform("dim_region", read_csv("regions.csv")),
        "dim_postal_region": conform("dim_postal_region", postal_regions),
        "dim_postal_zone": conform("dim_postal_zone", read_csv("postal_zones.csv")),
        "dim_province": conform("dim_province", province),
        "dim_district": conform("dim_district", district),
        "dim_subdistrict": conform("dim_subdistrict", subdistrict),
        "dim_postal_code": conform("dim_postal_code", postal_code),
    }


def subdistrict_people(geo: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """subdistrict_code with its share of the national population (for spreading things)."""
    return (
        geo["dim_subdistrict"]
        .join(
            geo["dim_province"].select("province_code", pl.col("population_weight").alias("pw")),
            on="province_code",
        )
        .select(
            "subdistrict_code",
            (pl.col("population_weight") * pl.col("pw")).alias("national_weight"),
        )
    )
