"""GeoNames places of Thailand, and which province a coordinate falls in.

There are no distributable province polygons in reach, so a coordinate's province is
approximated by its nearest GeoNames place (a Voronoi partition of 1,072 places, each
labelled with a DOPA province code through the committed crosswalk), and only inside
Thailand's bounding box. Every coordinate this package generates satisfies that test by
construction: it is sampled near a place of the right province and rejected otherwise.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import polars as pl

DATA_DIR = Path(__file__).parent / "data"

# Thailand's bounding box (degrees). A point outside belongs to no province.
LAT_MIN, LAT_MAX = 5.6, 20.5
LON_MIN, LON_MAX = 97.3, 105.7
# Equirectangular distances: accurate to well under 1 % at these latitudes and distances.
KM_PER_DEG_LAT = 110.57
KM_PER_DEG_LON_EQUATOR = 111.32
# Generated points stay this close to a real place, a cheap proxy for "on land".
MAX_KM_FROM_PLACE = 9.0
_CHUNK = 2048  # points per block of the brute-force nearest-place search
NO_PROVINCE = ""


def read_csv(name: str, **kwargs: object) -> pl.DataFrame:
    """A committed reference CSV (``#`` lines are comments), every column as text by default."""
    kwargs.setdefault("infer_schema", False)
    return pl.read_csv(DATA_DIR / name, comment_prefix="#", **kwargs)


@functools.cache
def places() -> pl.DataFrame:
    """Thai GeoNames places with a DOPA province code, sorted by geonameid."""
    crosswalk = read_csv("geonames_admin1_dopa.csv").select("admin1code", "province_code")
    overrides = read_csv("geonames_place_overrides.csv").select(
        "geonameid", pl.col("province_code").alias("override_code")
    )
    return (
        read_csv("geonames_th_places.csv")
        .join(crosswalk, on="admin1code", how="left", validate="m:1")
        .join(overrides, on="geonameid", how="left", validate="m:1")
        .with_columns(
            pl.coalesce("override_code", "province_code").alias("province_code"),
            pl.col("lat").cast(pl.Float64),
            pl.col("lon").cast(pl.Float64),
            pl.col("population").cast(pl.Int64),
            pl.col("names_th").fill_null(""),
        )
        .drop("override_code")
        .sort(pl.col("geonameid").cast(pl.Int64))
    )


@functools.cache
def _place_arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    p = places()
    codes = p["province_code"].to_numpy().astype("U2")
    return p["lat"].to_numpy(), p["lon"].to_numpy(), codes


def nearest_place(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index (into places()) of each point's nearest place and the distance to it in km."""
    lat = np.asarray(lat, dtype=np.float64).ravel()
    lon = np.asarray(lon, dtype=np.float64).ravel()
    plat, plon, _ = _place_arrays()
    idx = np.empty(lat.size, dtype=np.int64)
    dist = np.empty(lat.size, dtype=np.float64)
    for start in range(0, lat.size, _CHUNK):
        la = lat[start : start + _CHUNK, None]
        lo = lon[start : start + _CHUNK, None]
        dy = (la - plat[None, :]) * KM_PER_DEG_LAT
        dx = (lo - plon[None, :]) * (KM_PER_DEG_LON_EQUATOR * np.cos(np.radians(la)))
        d2 = dx * dx + dy * dy
        best = np.argmin(d2, axis=1)
        idx[start : start + _CHUNK] = best
        dist[start : start + _CHUNK] = np.sqrt(d2[np.arange(best.size), best])
    return idx, dist


def in_thailand_box(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    return (lat >= LAT_MIN) & (lat <= LAT_MAX) & (lon >= LON_MIN) & (lon <= LON_MAX)


def province_of_point(lat: object, lon: object) -> np.ndarray:
    """DOPA province code of each coordinate ('' outside Thailand's bounding box or NaN).

    The province of the nearest GeoNames place: an approximation of the real boundaries
    that is exact near towns and can be wrong by a few km along a provincial border.
    """
    lat = np.atleast_1d(np.asarray(lat, dtype=np.float64)).ravel()
    lon = np.atleast_1d(np.asarray(lon, dtype=np.float64)).ravel()
    out = np.full(lat.size, NO_PROVINCE, dtype="U2")
    ok = in_thailand_box(lat, lon) & np.isfinite(lat) & np.isfinite(lon)
    if ok.any():
        idx, _ = nearest_place(lat[ok], lon[ok])
        out[ok] = _place_arrays()[2][idx]
    return out


def sample_near(
    center_lat: np.ndarray,
    center_lon: np.ndarray,
    province_code: np.ndarray,
    radius_km: np.ndarray | float,
    rng: np.random.Generator,
    max_rounds: int = 12,
) -> tuple[np.ndarray, np.ndarray]:
    """A random point within ``radius_km`` of each centre that lies in its own province.

    Points that land in another province's Voronoi cell, outside the country box or too far
    from every place are drawn again; after ``max_rounds`` the centre itself is used, which
    the caller guarantees is valid (a place, or a point this function returned).
    """
    center_lat = np.asarray(center_lat, dtype=np.float64)
    center_lon = np.asarray(center_lon, dtype=np.float64)
    province_code = np.asarray(province_code).astype("U2")
    radius = np.broadcast_to(np.asarray(radius_km, dtype=np.float64), center_lat.shape)
    lat = center_lat.copy()
    lon = center_lon.copy()
    todo = np.arange(center_lat.size)
    for _ in range(max_rounds):
        if todo.size == 0:
            break
        # Uniform over the disc: distance ~ R * sqrt(u).
        r = radius[todo] * np.sqrt(rng.random(todo.size))
        theta = rng.random(todo.size) * 2 * np.pi
        cand_lat = center_lat[todo] + r * np.sin(theta) / KM_PER_DEG_LAT
        cand_lon = center_lon[todo] + r * np.cos(theta) / (
            KM_PER_DEG_LON_EQUATOR * np.cos(np.radians(center_lat[todo]))
        )
        idx, dist = nearest_place(cand_lat, cand_lon)
        good = (
            (_place_arrays()[2][idx] == province_code[todo])
            & (dist <= MAX_KM_FROM_PLACE)
            & in_thailand_box(cand_lat, cand_lon)
        )
        lat[todo[good]] = cand_lat[good]
        lon[todo[good]] = cand_lon[good]
        todo = todo[~good]
    return lat, lon
