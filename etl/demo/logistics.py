"""Shipments, tracking events and cold-chain readings of one chunk of orders.

Each shipment's story is a handful of times (accepted, arrived, attempts, delivered or
returned); events are one frame per status code, stacked. fct_shipment is then read off the
events, so its accepted_at/delivered_at/... always agree with them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl

from etl.demo import ids, vocab
from etl.demo.common import DAY_S, HOUR_S, busday_add, choice, rng_for
from etl.demo.orders import NEVER, AfterShipping, OrderChunk
from etl.demo.world import World
from etl.load import shipment_state
from etl.reference.thai_holidays import write_public_holidays
from warehouse.logistics_marts import EVENTS_SQL, READINGS_SQL

# Service standards in working days (low, high); COLD is the programme's own product.
STANDARD = {
    "EMS": (1, 2),
    "REG": (2, 5),
    "PCL": (3, 5),
    "LGP": (5, 7),
    "LGP_PLUS": (2, 3),
    "COLD": (1, 2),
}
FAR_KM = 900.0  # Bangkok to the far south or north: the slow end of a standard
LATE_SHARE = 0.06
DESCRIPTION = {
    "103": "รับฝาก",
    "201": "อยู่ระหว่างการขนส่ง",
    "211": "รับเข้า ณ ศูนย์คัดแยก",
    "206": "ถึงที่ทำการไปรษณีย์",
    "301": "อยู่ระหว่างการนำจ่าย",
    "401": "นำจ่ายไม่สำเร็จ",
    "203": "ส่งคืนต้นทาง",
    "501": "นำจ่ายสำเร็จ",
    "901": "โอนเงินให้ผู้ขายเรียบร้อยแล้ว",
}
FAIL_REASONS = ("ไม่มีผู้รับ", "ที่อยู่ไม่ชัดเจน", "ผู้รับปฏิเสธการรับ", "ปิดบ้าน")
# Temperature range of each cold class (°C): chilled 2–8, frozen about −18.
COLD_RANGE = {1: (2.0, 8.0, 4.5, 0.8), 2: (-22.0, -15.0, -18.5, 0.9)}
READING_S = 1_800
MAX_READINGS = 400
EXCURSION_SHARE = 0.12
# Parcels that stall after the mail centre and are never delivered (lost, held): they
# make the late list.
STALL_SHARE = 0.004


@dataclass
class ShipmentChunk:
    order_pos: np.ndarray  # row in the order chunk
    tracking_no: pl.Series
    static: pl.DataFrame  # the fct_shipment columns not read off events
    events: pl.DataFrame
    readings: pl.DataFrame


def _at(days: np.ndarray, hour: float, spread_h: float, rng: np.random.Generator) -> np.ndarray:
    return (
        days * DAY_S
        + int(hour * HOUR_S)
        + (rng.random(len(days)) * spread_h * HOUR_S).astype(np.int64)
    )


def _distance_km(w: World, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    lat1, lon1 = np.radians(w.branch_lat[a]), np.radians(w.branch_lon[a])
    lat2, lon2 = np.radians(w.branch_lat[b]), np.radians(w.branch_lon[b])
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def ship(w: World, o: OrderChunk, part: int) -> tuple[ShipmentChunk, AfterShipping]:
    rng = rng_for(w.seed, "logistics", part)
    cod_all = o.channel == "cod"
    shippable = (cod_all | (o.paid_s < NEVER)) & (o.cancel_refund_s == NEVER)
    pos = np.flatnonzero(shippable)
    m = len(pos)
    service = o.service[pos]
    cod = cod_all[pos]
    ready = np.where(cod, o.ordered_s[pos], o.paid_s[pos])
    origin = w.seller_origin_branch[o.seller[pos]]
    dest = w.place_dest_branch[o.place[pos]]
    hol = w.holidays

    # Hand-over: the seller brings the parcel in the same afternoon or a working day later.
    ready_day = ready // DAY_S
    ready_hour = (ready % DAY_S) / HOUR_S
    wait = choice(rng, (0, 1, 2, 3), (0.35, 0.45, 0.15, 0.05), m)
    wait = np.where((wait == 0) & (ready_hour >= 13), 1, wait)
    stuck = rng.random(m) < 0.005
    wait = np.where(stuck, rng.integers(4, 11, m), wait)
    acc_day = busday_add(ready_day + (wait > 0), np.maximum(wait - 1, 0), hol)
    accepted = np.where(
        wait == 0,
        ready + 1_800 + rng.integers(0, 3 * HOUR_S, m),
        _at(acc_day, 9.0, 7.5, rng),
    )
    acc_day = accepted // DAY_S

    lo = np.array([STANDARD[s][0] for s in service])
    hi = np.array([STANDARD[s][1] for s in service])
    km = _distance_km(w, origin, dest)
    same_mc = w.branch_mc[origin] == w.branch_mc[dest]
    f = np.clip(km / FAR_KM, 0, 1)
    transit = np.clip(np.round(lo + (hi - lo) * f + rng.normal(0, 0.4, m)), lo, hi).astype(np.int64)
    transit = np.where(same_mc, lo, transit)
    late = rng.random(m) < LATE_SHARE + 0.04 * f
    transit = transit + np.where(late, rng.integers(1, 5, m), 0)
    day1 = busday_add(acc_day, transit, hol)

    returned = rng.random(m) < np.where(cod, 0.06, 0.02)
    stalled = (rng.random(m) < STALL_SHARE) & ~returned
    n_fail = np.where(returned, 2, choice(rng, (0, 1, 2), (0.9, 0.07, 0.03), m))

    t206 = _at(day1, 7.0, 1.5, rng)
    span = t206 - accepted
    t201 = accepted + (span * rng.uniform(0.06, 0.12, m)).astype(np.int64)
    # Through the origin mail centre, then (another centre) the destination one: each an
    # arrival (211) and a departure (201), so dwell and the late items' segments show.
    t211o = accepted + (span * rng.uniform(0.15, 0.25, m)).astype(np.int64)
    t201o = t211o + (span * rng.uniform(0.05, 0.15, m)).astype(np.int64)
    t211 = accepted + (span * rng.uniform(0.55, 0.7, m)).astype(np.int64)
    t201d = t211 + (span * rng.uniform(0.05, 0.15, m)).astype(np.int64)

    receiver = np.array([f[0] for f in vocab.FIRST_NAMES])[
        rng.integers(0, len(vocab.FIRST_NAMES), m)
    ]
    tracking = ids.tracking_numbers(rng, o.index[pos], service)
    track_np = tracking.to_numpy()
    ev: list[dict] = []

    def add(
        mask: np.ndarray,
        code: str,
        at: np.ndarray,
        branch: np.ndarray | None,
        centre_of: np.ndarray | None = None,
        **extra,
    ) -> None:
        idx = np.flatnonzero(mask)
        if branch is None:  # at the mail centre of centre_of's branch (the destination's)
            mc = w.branch_mc[(dest if centre_of is None else centre_of)[idx]]
            loc, pc, bc = w.mc_name[mc], np.full(len(idx), None), np.full(len(idx), None)
        else:
            b = branch[idx]
            loc, pc, bc = w.branch_name[b], w.branch_postal[b], w.branch_code[b]
        ev.append(
            {
                "tracking_no": track_np[idx],
                "status_code": np.full(len(idx), code),
                "event_at": at[idx],
                "location": loc,
                "postcode": pc,
                "branch_code": bc,
                **{
                    k: (v[idx] if isinstance(v, np.ndarray) else np.full(len(idx), v))
                    for k, v in extra.items()
                },
            }
        )

    everyone = np.ones(m, dtype=bool)
    add(everyone, "103", accepted, origin)
    add(everyone, "201", t201, origin)
    add(everyone, "211", t211o, None, centre_of=origin)
    add(everyone, "201", t201o, None, centre_of=origin)
    add(~same_mc, "211", t211, None)
    add(~same_mc & ~stalled, "201", t201d, None)
    moving = ~stalled
    add(moving, "206", t206, dest)
    delivered = np.full(m, NEVER)
    reasons = np.array(FAIL_REASONS)[rng.integers(0, len(FAIL_REASONS), m)]
    for k in range(3):
        day_k = busday_add(day1, np.full(m, k), hol)
        out_k = _at(day_k, 8.5, 2.0, rng)
        attempt = (k <= n_fail) & moving
        fails = (k < n_fail) & moving
        delivers = (k == n_fail) & ~returned & moving
        add(attempt & ~(returned & (k == n_fail)), "301", out_k, dest)
        add(
            fails,
            "401",
            out_k + rng.integers(4 * HOUR_S, 8 * HOUR_S, m),
            dest,
            delivery_status=reasons,
        )
        t501 = out_k + rng.integers(HOUR_S, 7 * HOUR_S, m)
        add(
            delivers, "501", t501, dest, delivery_status="ผู้รับได้รับเรียบร้อยแล้ว", receiver_name=receiver
        )
        delivered = np.where(delivers, t501, delivered)
    ret_day = busday_add(day1, n_fail, hol)
    t203 = np.where(returned, _at(ret_day, 10.0, 2.0, rng), NEVER)
    add(returned, "203", t203, dest)
    add(returned, "201", t203 + rng.integers(2 * HOUR_S, 6 * HOUR_S, m), dest)
    home = np.where(returned, _at(busday_add(ret_day, transit, hol), 8.0, 3.0, rng), NEVER)
    add(returned, "206", home, origin)
    cod_done = cod & (delivered < NEVER)
    t901 = np.where(
        cod_done, _at(busday_add(delivered // DAY_S, np.full(m, 2), hol), 10.0, 5.0, rng), NEVER
    )
    add(cod_done, "901", t901, origin)

    events = pl.concat(
        [pl.DataFrame(e, schema_overrides=_EVENT_SCHEMA, strict=False) for e in ev],
        how="diagonal_relaxed",
    )
    events = events.with_columns(
        status_description=pl.col("status_code").replace_strict(DESCRIPTION, return_dtype=pl.Utf8),
        source=pl.lit("demo"),
    )

    after = AfterShipping(
        accepted_s=_spread(o.n, pos, accepted),
        delivered_s=_spread(o.n, pos, delivered),
        returned_s=_spread(o.n, pos, t203),
        cod_paid_s=_spread(o.n, pos, t901),
        settled_home_s=_spread(o.n, pos, home),
    )
    static = pl.DataFrame(
        {
            "tracking_no": tracking,
            "order_id": o.order_id.gather(pos),
            "service_code": service,
            "origin_branch_code": w.branch_code[origin],
            "dest_branch_code": w.branch_code[dest],
            "origin_mail_centre_code": w.mc_code[w.branch_mc[origin]],
            "dest_mail_centre_code": w.mc_code[w.branch_mc[dest]],
            "dest_postal_code": w.place_postal[o.place[pos]],
            "dest_province_code": w.place_province[o.place[pos]],
            "weight_kg": o.weight_kg[pos],
            "is_cold_chain": service == "COLD",
            "cold_chain_class": np.array(["ambient", "chilled", "frozen"])[o.cold[pos]],
            "dest_subdistrict_code": w.place_subdistrict[o.place[pos]],
            # The label is printed when the order is ready to ship (paid, or COD ordered).
            "created_at": ready,
            "is_cod": cod,
            "cod_amount_satang": np.where(cod, o.total[pos], 0),
            "standard_days": hi.astype(np.int32),
            "_ordered_s": o.ordered_s[pos],
        }
    ).with_columns(cod_amount_satang=pl.when(pl.col("is_cod")).then(pl.col("cod_amount_satang")))
    end = np.minimum(np.minimum(delivered, home), w.cutoff_s)
    readings = _cold_readings(w, part, tracking, o.cold[pos], accepted, end)
    return ShipmentChunk(pos, tracking, static, events, readings), after


_EVENT_SCHEMA = {
    "tracking_no": pl.Utf8,
    "status_code": pl.Utf8,
    "event_at": pl.Int64,
    "location": pl.Utf8,
    "postcode": pl.Utf8,
    "branch_code": pl.Utf8,
    "delivery_status": pl.Utf8,
    "receiver_name": pl.Utf8,
}


def _spread(n: int, pos: np.ndarray, values: np.ndarray) -> np.ndarray:
    out = np.full(n, NEVER)
    out[pos] = values
    return out


def _cold_readings(
    w: World, part: int, tracking: pl.Series, cold: np.ndarray, start: np.ndarray, end: np.ndarray
) -> pl.DataFrame:
    """A reading every 30 minutes from acceptance to delivery, with some excursions."""
    rng = rng_for(w.seed, "cold", part)
    sel = np.flatnonzero((cold > 0) & (start < end))
    count = np.clip((end[sel] - start[sel]) // READING_S + 1, 1, MAX_READINGS)
    row = np.repeat(np.arange(len(sel)), count)
    k = np.arange(len(row)) - (np.cumsum(count) - count)[row]
    cls = cold[sel][row]
    lo = np.where(cls == 1, COLD_RANGE[1][0], COLD_RANGE[2][0])
    hi = np.where(cls == 1, COLD_RANGE[1][1], COLD_RANGE[2][1])
    mid = np.where(cls == 1, COLD_RANGE[1][2], COLD_RANGE[2][2])
    sd = np.where(cls == 1, COLD_RANGE[1][3], COLD_RANGE[2][3])
    temp = mid + rng.normal(0, 1, len(row)) * sd
    # An excursion: a door left open or a van without power, for 1.5–5 hours.
    has_exc = rng.random(len(sel)) < EXCURSION_SHARE
    exc_start = np.floor(rng.random(len(sel)) * count).astype(np.int64)
    exc_len = rng.integers(3, 11, len(sel))
    exc_rise = rng.uniform(5.0, 10.0, len(sel))
    in_exc = has_exc[row] & (k >= exc_start[row]) & (k < exc_start[row] + exc_len[row])
    temp = np.where(
        in_exc, np.maximum(temp, hi) + exc_rise[row] * rng.uniform(0.6, 1.0, len(row)), temp
    )
    return pl.DataFrame(
        {
            "tracking_no": tracking.gather(sel[row]),
            "read_at": start[sel][row] + k * READING_S,
            "temperature_c": np.round(temp, 1),
            "min_c": lo,
            "max_c": hi,
        }
    )


def shipment_frame(static: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """fct_shipment: the static columns plus what the events say (first 103, first 501, …)."""
    code = pl.col("status_code")
    state = (
        events.sort("tracking_no", "event_at")
        .group_by("tracking_no")
        .agg(
            accepted_at=pl.col("event_at").filter(code.is_in(["103", "102"])).min(),
            first_out_for_delivery_at=pl.col("event_at").filter(code == "301").min(),
            delivered_at=pl.col("event_at").filter(code == "501").min(),
            count_failed_attempts=(code == "401").sum().cast(pl.Int32),
            is_returned=(code == "203").any(),
            last_status_code=code.last(),
            last_event_at=pl.col("event_at").last(),
        )
    )
    return (
        static.join(state, on="tracking_no", how="left")
        .with_columns(
            count_failed_attempts=pl.col("count_failed_attempts").fill_null(0),
            is_returned=pl.col("is_returned").fill_null(False),
        )
        .select(
            "tracking_no",
            "order_id",
            "service_code",
            "origin_branch_code",
            "dest_branch_code",
            "origin_mail_centre_code",
            "dest_mail_centre_code",
            "dest_postal_code",
            "dest_province_code",
            "weight_kg",
            "is_cold_chain",
            "cold_chain_class",
            "dest_subdistrict_code",
            "created_at",
            "is_cod",
            "cod_amount_satang",
            "standard_days",
            "accepted_at",
            "first_out_for_delivery_at",
            "delivered_at",
            "count_failed_attempts",
            "is_returned",
            "last_status_code",
            "last_event_at",
        )
    )


# The demo's parcels have their events and readings within this many days of their label
# (the slowest standard plus returns is about 38): finish_lake reads each month's shipments'
# events in that window only.
EVENT_SPAN_DAYS = 60
_TIMING_MARTS = (
    "mart_shipment_timing",
    "mart_open_shipment",
    "mart_mail_centre_stay",
    "mart_cold_chain_shipment",
)


def finish_lake(con: duckdb.DuckDBPyConnection) -> int:
    """After the months are in: the holidays package's calendar for the working days, and
    every shipment's state recomputed by the loader's own statement (status, where the
    parcel is now, …), so the demo's shipments are what loads would have made them.

    Whole months of labels at a time (CHUNK_LABELS), each with the events and readings of
    its window: the large demo's 90 M events in one statement took 19 GB (or spilled 26 GB
    past the writer's memory limit). The state and marts are the loader's incremental refresh, which
    always equals the full recompute (tested)."""
    write_public_holidays(con)
    n = 0
    # A commit per chunk: one transaction over every month kept each month's rewrite in
    # memory until the end (160 MB a month on the medium demo, 1.6 GB on the large).
    for i, (start, end) in enumerate(_chunks(con)):
        con.execute("begin")
        try:
            if i == 0:
                for table in _TIMING_MARTS:
                    con.execute(f"delete from {table}")  # noqa: S608
            n += _finish_range(con, start, end)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    return n


# Labels per chunk: whole months up to about this many (the large demo's months hold about
# 350,000 each, so it goes month by month; the tiny and small demos in one or two chunks —
# a chunk costs a DuckLake commit and a rewrite of the timing marts, seconds on a small lake).
CHUNK_LABELS = 400_000


def _chunks(con: duckdb.DuckDBPyConnection) -> list[tuple[dt.datetime, dt.datetime]]:
    """[start, end) ranges of whole months holding about CHUNK_LABELS labels each."""
    months = con.execute(
        "select date_trunc('month', created_at) as m, count(*) from fct_shipment "
        "group by m order by m"
    ).fetchall()
    chunks: list[tuple[dt.datetime, dt.datetime]] = []
    start, count = None, 0
    for month, labels in months:
        if start is not None and count + labels > CHUNK_LABELS:
            chunks.append((start, month))
            start, count = None, 0
        start = start or month
        count += labels
    if start is not None:
        chunks.append((start, _next_month(months[-1][0])))
    return chunks


def _next_month(month: dt.datetime) -> dt.datetime:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _finish_range(con: duckdb.DuckDBPyConnection, start: dt.datetime, end: dt.datetime) -> int:
    # [the chunk's first day, the day after it, that plus the events' span]
    window = [start, end, end + dt.timedelta(days=EVENT_SPAN_DAYS)]
    touched = con.execute(
        "select tracking_no from fct_shipment where created_at >= $1 and created_at < $2",
        window[:2],
    ).pl()["tracking_no"]
    con.register("_t", touched.to_frame("tracking_no").to_arrow())
    try:
        events, readings = (
            con.execute(
                f"{sql} where {at} >= $1 and {at} < $2 "  # noqa: S608
                "and tracking_no in (select tracking_no from _t)",
                [window[0], window[2]],
            )
            .pl()
            .to_arrow()
            for sql, at in ((EVENTS_SQL, "event_at"), (READINGS_SQL, "read_at"))
        )
    finally:
        con.unregister("_t")
    return shipment_state.refresh(con, touched, events=events, readings=readings)
