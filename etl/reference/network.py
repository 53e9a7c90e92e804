"""The Thailand Post network: mail centres, a generated branch network, digital centres.

The generated network is shaped like the real one (DOMAIN.md): about 1,201 own post
offices, 3,081 licensed post offices and the rest counters and shops, about 5,000 in all.
Own post offices come first from rules: one at every district seat, then one for every
postal code no seat office uses, then more in the most populous places. The other kinds
are spread over subdistricts in proportion to their estimated population.

Branch codes: ``<type>-<postal code>-<nnn>`` with type PO (post office), LP (licensed post
office), CT (counter) or SH (shop), and nnn numbering that type's branches within the
postal code in subdistrict order, e.g. ``PO-50000-001``. They are stable for a seed and a
geothai data version; a real branch master file brings its own codes.
"""

from __future__ import annotations

import functools

import numpy as np
import polars as pl

from etl.reference.geography import build_geography, subdistrict_people
from etl.reference.places import (
    KM_PER_DEG_LAT,
    KM_PER_DEG_LON_EQUATOR,
    places,
    province_of_point,
    read_csv,
    sample_near,
)
from etl.reference.schema import conform

OWN_POST_OFFICES = 1_201
LICENSED_POST_OFFICES = 3_081
COUNTERS = 450
SHOPS = 268
DIGITAL_CENTRES = 2_222
# How far a branch sits from its subdistrict's point.
BRANCH_RADIUS_KM = 2.0
BANGKOK_BRANCH_RADIUS_KM = 1.0
SEAT_OFFICE_RADIUS_KM = 0.8
DIGITAL_CENTRE_RADIUS_KM = 1.5

_TYPES = {
    # branch_type: (code prefix, Thai name prefix, English name suffix)
    "post_office": ("PO", "ที่ทำการไปรษณีย์", "Post Office"),
    "licensed_post_office": ("LP", "ไปรษณีย์อนุญาต", "Licensed Post Office"),
    "counter": ("CT", "เคาน์เตอร์ไปรษณีย์", "Postal Counter"),
    "shop": ("SH", "ร้านไปรษณีย์", "Post Shop"),
}


@functools.cache
def _mail_centre_rows() -> pl.DataFrame:
    """The committed mail centres with coordinates of their GeoNames place."""
    centres = read_csv("mail_centres.csv")
    groups = read_csv("province_groups.csv").select("province_code", "postal_region_code")
    located = centres.join(
        places().select(
            pl.col("name").alias("place_name"), "province_code", "lat", "lon", "population"
        ),
        on=["place_name", "province_code"],
        how="left",
    )
    # One place per centre: the most populous of that name in the province.
    located = located.sort("population", descending=True, nulls_last=True).unique(
        "mail_centre_code", keep="first"
    )
    missing = located.filter(pl.col("lat").is_null())["mail_centre_code"].to_list()
    if missing:
        raise ValueError(f"mail centres without a GeoNames place in their province: {missing}")
    return (
        located.join(groups, on="province_code", how="left", validate="m:1")
        .with_columns(serves_branches=pl.col("serves_branches") == "true")
        .sort("mail_centre_code")
    )


def build_mail_centres() -> pl.DataFrame:
    return conform("dim_mail_centre", _mail_centre_rows())


def assign_mail_centres(
    lat: np.ndarray, lon: np.ndarray, postal_region_code: np.ndarray
) -> np.ndarray:
    """The hub serving each point: the nearest mail centre of its postal region.

    A region without a hub of its own (none today) falls back to the nearest hub anywhere.
    Points without coordinates or region get None.
    """
    hubs = _mail_centre_rows().filter(pl.col("serves_branches"))
    hlat, hlon = hubs["lat"].to_numpy(), hubs["lon"].to_numpy()
    hregion = hubs["postal_region_code"].to_numpy().astype(str)
    hcode = np.array(hubs["mail_centre_code"].to_list(), dtype=object)
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    region = np.asarray(postal_region_code, dtype=object).astype(str)
    dy = (lat[:, None] - hlat[None, :]) * KM_PER_DEG_LAT
    dx = (lon[:, None] - hlon[None, :]) * KM_PER_DEG_LON_EQUATOR * np.cos(np.radians(lat))[:, None]
    d2 = dx * dx + dy * dy
    other_region = region[:, None] != hregion[None, :]
    has_own = (~other_region).any(axis=1)
    d2 = np.where(other_region & has_own[:, None], np.inf, d2)
    out = hcode[np.argmin(np.nan_to_num(d2, nan=np.inf), axis=1)]
    missing = ~np.isfinite(lat) | ~np.isfinite(lon)
    out[missing] = None
    return out


def _display_names(district: pl.DataFrame, province: pl.DataFrame) -> pl.DataFrame:
    """How a district's own post office is called: the town, without เขต/เมือง."""
    return district.join(
        province.select(
            "province_code", pl.col("name_th").alias("p_th"), pl.col("name_en").alias("p_en")
        ),
        on="province_code",
    ).select(
        "district_code",
        pl.when(pl.col("name_en").str.starts_with("Mueang "))
        .then(pl.col("p_th"))
        .otherwise(pl.col("name_th").str.strip_prefix("เขต"))
        .alias("place_th"),
        pl.when(pl.col("name_en").str.starts_with("Mueang "))
        .then(pl.col("p_en"))
        .otherwise(pl.col("name_en"))
        .alias("place_en"),
    )


def _subdistricts(geo: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Subdistricts with their national population weight and all their postal codes."""
    codes = (
        geo["dim_postal_code"]
        .group_by("subdistrict_code")
        .agg(pl.col("postal_code").sort().alias("postal_codes"))
    )
    return (
        geo["dim_subdistrict"]
        .join(subdistrict_people(geo), on="subdistrict_code", validate="1:1")
        .join(codes, on="subdistrict_code", validate="1:1")
        .sort("subdistrict_code")
    )


def _own_post_offices(geo: dict[str, pl.DataFrame], rng: np.random.Generator) -> pl.DataFrame:
    sub = _subdistricts(geo)
    names = _display_names(geo["dim_district"], geo["dim_province"])
    # District seats: DOPA numbers the seat subdistrict first.
    seats = (
        sub.sort("subdistrict_code")
        .unique("district_code", keep="first", maintain_order=True)
        .join(names, on="district_code")
        .select(
            "subdistrict_code",
            "postal_code",
            "place_th",
            "place_en",
            pl.lit(SEAT_OFFICE_RADIUS_KM).alias("radius_km"),
        )
    )
    # Every postal code no seat office covers gets an office in its most populous subdistrict.
    covered = set(seats["postal_code"].to_list())
    by_code = (
        geo["dim_postal_code"]
        .filter(~pl.col("postal_code").is_in(list(covered)))
        .join(
            sub.select("subdistrict_code", "name_th", "name_en", "national_weight"),
            on="subdistrict_code",
        )
        .sort(
            ["postal_code", "national_weight", "subdistrict_code"], descending=[False, True, False]
        )
        .unique("postal_code", keep="first", maintain_order=True)
        .select(
            "subdistrict_code",
            "postal_code",
            pl.col("name_th").alias("place_th"),
            pl.col("name_en").alias("place_en"),
            pl.lit(BRANCH_RADIUS_KM).alias("radius_km"),
        )
    )
    offices = pl.concat([seats, by_code])
    extra = OWN_POST_OFFICES - offices.height
    if extra > 0:
        picked = _draw(sub, extra, rng)
        offices = pl.concat(
            [
                offices,
                picked.select(
                    "subdistrict_code",
                    "postal_code",
                    pl.col("name_th").alias("place_th"),
                    pl.col("name_en").alias("place_en"),
                    pl.lit(BRANCH_RADIUS_KM).alias("radius_km"),
                ),
            ]
        )
    return offices.with_columns(branch_type=pl.lit("post_office"))


def _draw(sub: pl.DataFrame, n: int, rng: np.random.Generator) -> pl.DataFrame:
    """n subdistricts drawn by population (with replacement), each with one of its codes."""
    w = sub["national_weight"].to_numpy()
    idx = rng.choice(sub.height, size=n, replace=True, p=w / w.sum())
    picked = sub[idx]
    codes = picked["postal_codes"].to_list()
    choice = [c[int(rng.integers(len(c)))] for c in codes]
    return picked.with_columns(postal_code=pl.Series(choice))


def _other_branches(geo: dict[str, pl.DataFrame], rng: np.random.Generator) -> pl.DataFrame:
    sub = _subdistricts(geo)
    parts = []
    for branch_type, n in (
        ("licensed_post_office", LICENSED_POST_OFFICES),
        ("counter", COUNTERS),
        ("shop", SHOPS),
    ):
        parts.append(
            _draw(sub, n, rng).select(
                "subdistrict_code",
                "postal_code",
                pl.col("name_th").alias("place_th"),
                pl.col("name_en").alias("place_en"),
                pl.lit(BRANCH_RADIUS_KM).alias("radius_km"),
                pl.lit(branch_type).alias("branch_type"),
            )
        )
    return pl.concat(parts)


def _unique_names(names: list[str]) -> list[str]:
    """Second and later uses of a name get a number, as real offices do ("… 2")."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} {seen[name]}")
    return out


def build_branches(geo: dict[str, pl.DataFrame], rng: np.random.Generator) -> pl.DataFrame:
    raw = pl.concat([_own_post_offices(geo, rng), _other_branches(geo, rng)])
    sub = geo["dim_subdistrict"].select(
        "subdistrict_code", "district_code", "province_code", "lat", "lon"
    )
    prov = geo["dim_province"].select("province_code", "postal_region_code")
    order = {t: i for i, t in enumerate(_TYPES)}
    df = (
        raw.join(sub, on="subdistrict_code", how="left", validate="m:1")
        .join(prov, on="province_code", how="left", validate="m:1")
        .with_columns(
            radius_km=pl.when(pl.col("province_code") == "10")
            .then(pl.min_horizontal("radius_km", pl.lit(BANGKOK_BRANCH_RADIUS_KM)))
            .otherwise("radius_km"),
            type_order=pl.col("branch_type").replace_strict(order, return_dtype=pl.Int32),
        )
        .with_row_index("draw")
        .sort("type_order", "postal_code", "subdistrict_code", "draw")
    )
    lat, lon = sample_near(
        df["lat"].to_numpy(),
        df["lon"].to_numpy(),
        df["province_code"].to_numpy(),
        df["radius_km"].to_numpy(),
        rng,
    )
    prefix = {t: v[0] for t, v in _TYPES.items()}
    th_prefix = {t: v[1] for t, v in _TYPES.items()}
    en_suffix = {t: v[2] for t, v in _TYPES.items()}
    df = df.with_columns(
        lat=pl.Series(lat),
        lon=pl.Series(lon),
        seq=pl.int_range(1, pl.len() + 1).over("branch_type", "postal_code"),
    ).with_columns(
        branch_code=pl.format(
            "{}-{}-{}",
            pl.col("branch_type").replace_strict(prefix),
            "postal_code",
            pl.col("seq").cast(pl.String).str.zfill(3),
        ),
        name_th=pl.col("branch_type").replace_strict(th_prefix) + pl.col("place_th"),
        name_en=pl.col("place_en") + " " + pl.col("branch_type").replace_strict(en_suffix),
    )
    df = df.with_columns(
        name_th=pl.Series(_unique_names(df["name_th"].to_list())),
        name_en=pl.Series(_unique_names(df["name_en"].to_list())),
        mail_centre_code=pl.Series(
            assign_mail_centres(
                df["lat"].to_numpy(), df["lon"].to_numpy(), df["postal_region_code"].to_numpy()
            ),
            dtype=pl.String,
        ),
        is_active=pl.lit(True),
        source=pl.lit("generated"),
    )
    return conform("dim_branch", df)


def build_digital_centres(geo: dict[str, pl.DataFrame], rng: np.random.Generator) -> pl.DataFrame:
    """Community digital centres in distinct subdistricts, at least one in every province."""
    sub = (
        geo["dim_subdistrict"]
        .join(subdistrict_people(geo), on="subdistrict_code")
        .sort("subdistrict_code")
    )
    w = sub["national_weight"].to_numpy()
    codes = sub["province_code"].to_numpy()
    chosen: list[int] = []
    for code in np.unique(codes):
        members = np.flatnonzero(codes == code)
        pw = w[members] / w[members].sum()
        chosen.append(int(rng.choice(members, p=pw)))
    rest = np.setdiff1d(np.arange(sub.height), chosen)
    chosen += rng.choice(
        rest, size=DIGITAL_CENTRES - len(chosen), replace=False, p=w[rest] / w[rest].sum()
    ).tolist()
    picked = sub[sorted(chosen)]
    lat, lon = sample_near(
        picked["lat"].to_numpy(),
        picked["lon"].to_numpy(),
        picked["province_code"].to_numpy(),
        DIGITAL_CENTRE_RADIUS_KM,
        rng,
    )
    df = picked.with_columns(
        digital_centre_id=pl.format(
            "DC{}", pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(4)
        ),
        name_th=pl.lit("ศูนย์ดิจิทัลชุมชนตำบล") + pl.col("name_th"),
        name_en=pl.col("name_en") + " Community Digital Centre",
        lat=pl.Series(lat),
        lon=pl.Series(lon),
    )
    return conform("dim_digital_centre", df)


# Columns a branch master file must bring to conform_branches; the rest it may bring.
BRANCH_MASTER_REQUIRED = ("branch_code", "name_th", "name_en", "branch_type")
BRANCH_MASTER_OPTIONAL = ("subdistrict_code", "postal_code", "lat", "lon", "is_active", "source")


def conform_branches(
    df: pl.DataFrame,
    geography: dict[str, pl.DataFrame] | None = None,
    source: str = "branch_master",
) -> pl.DataFrame:
    """A loaded branch master as dim_branch rows, with the derived columns filled in.

    Input: ``branch_code, name_th, name_en, branch_type`` and at least one of
    ``subdistrict_code`` / ``postal_code``; optionally ``lat, lon, is_active, source``
    (all text except lat/lon as numbers and is_active as boolean).

    - a missing subdistrict_code is taken from the postal code when exactly one
      subdistrict uses it; a missing postal_code is the subdistrict's main one;
    - district_code and province_code come from the subdistrict, postal_region_code from
      the province, mail_centre_code is the nearest hub of that postal region;
    - missing coordinates are the subdistrict's point.
    Nothing is checked here: an unknown subdistrict leaves district_code null, and whether the
    postal code belongs to the subdistrict is for the caller to check against dim_postal_code
    (the ETL quarantines such rows).
    """
    geo = geography or build_geography()
    missing = [c for c in BRANCH_MASTER_REQUIRED if c not in df.columns]
    if missing:
        raise ValueError(f"branch master lacks columns: {', '.join(missing)}")
    defaults = {
        "subdistrict_code": pl.lit(None, pl.String),
        "postal_code": pl.lit(None, pl.String),
        "lat": pl.lit(None, pl.Float64),
        "lon": pl.lit(None, pl.Float64),
        "is_active": pl.lit(True),
        "source": pl.lit(source),
    }
    df = df.with_columns(
        [expr.alias(name) for name, expr in defaults.items() if name not in df.columns]
    ).with_columns(
        pl.col("subdistrict_code", "postal_code").cast(pl.String),
        pl.col("lat", "lon").cast(pl.Float64),
        pl.col("is_active").cast(pl.Boolean).fill_null(True),
        pl.col("source").cast(pl.String).fill_null(source),
    )
    only_sub = (
        geo["dim_postal_code"]
        .group_by("postal_code")
        .agg(pl.col("subdistrict_code").first().alias("only_sub"), pl.len().alias("n"))
        .filter(pl.col("n") == 1)
        .drop("n")
    )
    sub = geo["dim_subdistrict"].select(
        "subdistrict_code",
        "district_code",
        "province_code",
        pl.col("postal_code").alias("main_postal_code"),
        pl.col("lat").alias("sub_lat"),
        pl.col("lon").alias("sub_lon"),
    )
    prov = geo["dim_province"].select("province_code", "postal_region_code")
    out = (
        df.drop(
            "district_code", "province_code", "postal_region_code", "mail_centre_code", strict=False
        )
        .join(only_sub, on="postal_code", how="left", validate="m:1")
        .with_columns(subdistrict_code=pl.coalesce("subdistrict_code", "only_sub"))
        .join(sub, on="subdistrict_code", how="left", validate="m:1")
        .join(prov, on="province_code", how="left", validate="m:1")
        .with_columns(
            postal_code=pl.coalesce("postal_code", "main_postal_code"),
            lat=pl.coalesce("lat", "sub_lat"),
            lon=pl.coalesce("lon", "sub_lon"),
        )
    )
    hub = assign_mail_centres(
        out["lat"].fill_null(np.nan).to_numpy(),
        out["lon"].fill_null(np.nan).to_numpy(),
        out["postal_region_code"].fill_null("").to_numpy(),
    )
    hub = np.where(out["postal_region_code"].is_null().to_numpy(), None, hub)
    out = out.with_columns(mail_centre_code=pl.Series(hub, dtype=pl.String))
    return conform("dim_branch", out)


def points_in_own_province(df: pl.DataFrame) -> pl.Series:
    """Whether each row's lat/lon lies in its province_code per province_of_point."""
    return pl.Series(
        province_of_point(df["lat"].to_numpy(), df["lon"].to_numpy())
        == df["province_code"].to_numpy().astype("U2")
    )
