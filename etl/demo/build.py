"""`postmart demo`: a whole, realistic programme written into the lake, month by month.

Order of work: reference dims, sellers and applications, listings, then each month of
orders with their payments, shipments, events and readings (one lake commit per month, so
memory stays flat at any scale), then payouts, then the held-back last day as feed files in
``<data_dir>/inbox/demo`` so that loading them adds visible data.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from etl.demo import (
    calendar,
    centres,
    listings,
    logistics,
    orders,
    payouts,
    sellers,
    settlements,
    shipments,
)
from etl.demo import payments as payment_rails
from etl.demo.common import DAY_S, day, thb, ts
from etl.demo.world import World, build_world
from etl.load import impact_marts, payment_marts
from etl.load.seller_master import conform_sellers, merge_sellers
from etl.reference import build_dim_date, build_reference, write_reference
from warehouse.lake import connect_writer
from warehouse.query import quote_ident
from warehouse.settings import Settings

HISTORY_DAYS = 730  # about two years of orders, ending today
SELLER_HISTORY_DAYS = 365  # the first sellers joined a year before the first order


@dataclass(frozen=True)
class Scale:
    orders: int
    sellers: int
    listings: int
    open_applications: int


SCALES = {
    "tiny": Scale(orders=3_000, sellers=150, listings=600, open_applications=60),
    "small": Scale(orders=50_000, sellers=1_500, listings=7_000, open_applications=500),
    "medium": Scale(orders=1_000_000, sellers=12_000, listings=60_000, open_applications=3_000),
    "large": Scale(orders=10_000_000, sellers=50_000, listings=250_000, open_applications=10_000),
}
DEMO_TABLES = (
    "dim_seller",
    "seller_application",
    "dim_listing",
    "fct_order",
    "fct_order_item",
    "fct_payment",
    "fct_settlement",
    "fct_payout",
    "fct_shipment",
    "fct_tracking_event",
    "fct_cold_chain_reading",
)


@dataclass
class DemoSummary:
    scale: str
    seed: int
    first_day: dt.date
    last_day: dt.date
    rows: dict[str, int] = field(default_factory=dict)
    feed_files: list[Path] = field(default_factory=list)
    seconds: float = 0.0

    def text(self) -> str:
        lines = [
            f"demo {self.scale} (seed {self.seed}): {self.first_day} … {self.last_day}, "
            f"{self.seconds:.1f} s",
        ]
        lines += [f"  {table:<24}{n:>12,}" for table, n in self.rows.items()]
        lines.append(f"  feed files in inbox: {len(self.feed_files)}")
        return "\n".join(lines)


def to_lake(df: pl.DataFrame) -> pl.DataFrame:
    """Generator units to lake types: epoch-second *_at, day *_on, satang *_thb / *_satang."""
    exprs = []
    for name, dtype in df.schema.items():
        integer = dtype.is_integer()
        if name.endswith("_satang") and integer:
            exprs.append(thb(name).alias(name.removesuffix("_satang") + "_thb"))
        elif name.endswith("_thb") and integer:
            exprs.append(thb(name))
        elif name.endswith("_at") and integer:
            exprs.append(ts(name))
        elif name.endswith("_on") and integer:
            exprs.append(day(name))
        elif not name.startswith("_"):
            exprs.append(pl.col(name))
    return df.select(exprs)


def insert(con: duckdb.DuckDBPyConnection, table: str, df: pl.DataFrame) -> int:
    if df.is_empty():
        return 0
    arrow = to_lake(df).to_arrow()
    view = f"_demo_{table}"
    con.register(view, arrow)
    try:
        con.execute(f"insert into {quote_ident(table)} by name select * from {quote_ident(view)}")  # noqa: S608
    finally:
        con.unregister(view)
    return len(df)


def _months(start_day: int, end_day: int) -> list[np.ndarray]:
    days = np.arange(start_day, end_day + 1)
    month_of = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    cuts = np.flatnonzero(np.diff(month_of)) + 1
    return np.split(np.arange(len(days)), cuts)


def build_demo(
    settings: Settings,
    scale: str = "small",
    seed: int = 1,
    end: dt.date | None = None,
    holdback_days: int = 1,
    write_feeds: bool = True,
    log: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Replace the lake's contents with a demo programme; return rows per table."""
    t0 = time.monotonic()
    say = log or (lambda msg: print(msg, file=sys.stderr))
    size = SCALES[scale]
    end_day = calendar.to_day(end or dt.date.today())
    start_day = end_day - HISTORY_DAYS + 1
    start_s, end_s = start_day * DAY_S, (end_day + 1) * DAY_S
    lake_cut_s = (end_day + 1 - holdback_days) * DAY_S

    ref = build_reference(seed)
    first_date = calendar.to_date(start_day - SELLER_HISTORY_DAYS - 1)
    dim_date = build_dim_date(
        dt.date(first_date.year, 1, 1), dt.date(calendar.to_date(end_day).year, 12, 31)
    )
    hol = (
        dim_date.filter(pl.col("is_public_holiday"))["date_day"].to_numpy().astype("datetime64[D]")
    )

    where = sellers.places(ref)
    people = sellers.applicants(
        seed, ref, where, size.sellers, size.open_applications, start_s, end_s - 1
    )
    seller_df = sellers.seller_frame(seed, people, end_s - 1)
    apps = sellers.application_frame(people)
    listing_df = listings.listing_frame(seed, seller_df, size.listings, end_s - 1)
    world = build_world(
        seed, ref, where, seller_df, listing_df, start_day, end_day, holdback_days, hol
    )
    # impact: the digital centres open, staggered, and their linked sellers sell more after
    opened = centres.openings(seed, ref["dim_digital_centre"], start_day, end_day)
    world.seller_lift_from = centres.treated_from(world.seller_id, seller_df, opened)

    feed: dict[str, list[pl.DataFrame]] = {
        k: []
        for k in (
            "fct_order",
            "fct_order_item",
            "fct_settlement",
            "fct_tracking_event",
            "fct_payment",  # payments (issue 9): the held-back day's gateway log
            "shipment_label",  # logistics: held-back parcel labels
        )
    }
    recent_app = (pl.col("submitted_at") >= lake_cut_s) | (pl.col("updated_at") >= lake_cut_s)
    feed_apps = apps.filter(recent_app)
    feed_listings = listing_df.filter(pl.col("created_at") >= lake_cut_s)
    rows = dict.fromkeys(DEMO_TABLES, 0)

    with connect_writer(settings) as con:
        write_reference(con, {**ref, "dim_date": dim_date})
        con.execute("begin")
        for table in DEMO_TABLES:
            con.execute(f"delete from {quote_ident(table)}")  # noqa: S608
        rows["seller_application"] = insert(con, "seller_application", apps.filter(~recent_app))
        rows["dim_listing"] = insert(
            con, "dim_listing", listing_df.filter(pl.col("created_at") < lake_cut_s)
        )
        con.execute("delete from fct_digital_centre_opening")  # impact
        opening_rows = centres.lake_frame(opened)
        con.register("_demo_openings", opening_rows.to_arrow())
        con.execute("insert into fct_digital_centre_opening by name select * from _demo_openings")
        con.unregister("_demo_openings")
        con.execute("commit")
        rows["dim_seller"] = _seller_master(con, people, seller_df, end_s - 1)

        counts = calendar.orders_per_day(seed, np.arange(start_day, end_day + 1), size.orders)
        all_days = np.arange(start_day, end_day + 1)
        payout_parts: list[pl.DataFrame] = []
        first_index = 0
        for part, sel in enumerate(_months(start_day, end_day)):
            chunk_counts = counts[sel]
            if chunk_counts.sum() == 0:
                continue
            o = orders.make_orders(world, all_days[sel], chunk_counts, first_index, part)
            first_index += o.n
            sh, after = logistics.ship(world, o, part)
            money = orders.after_sales(world, o, after, part)
            month_rows = _write_month(con, world, o, sh, after, money, hol, feed)
            for k, v in month_rows.items():
                rows[k] += v
            payout_parts.append(payouts.contributions(world.seller_id, o, after, money))
            say(f"  {calendar.to_date(int(all_days[sel][0])):%Y-%m}: {o.n:,} orders")

        logistics.finish_lake(con)  # logistics: holidays and shipment state
        payout_df = payouts.payout_frame(seed, payout_parts, seller_df, end_day)
        in_window = pl.col("scheduled_on") >= lake_cut_s // DAY_S
        late = in_window & (pl.col("scheduled_on") <= end_day)
        con.execute("begin")
        # in the order payout runs happen (as weekly loads would add them): a period's
        # payouts are then a few row groups of the file, not a scan of all of them
        rows["fct_payout"] = insert(
            con, "fct_payout", payout_df.filter(~late).sort("paid_at", nulls_last=True)
        )
        con.execute("commit")
        # impact: the seller × month mart, and the planted digital-centre effect's manifest
        con.execute("begin")
        impact_marts.refresh(con, None)
        con.execute("commit")
        centres.write_manifest(
            settings.inbox_dir / "demo", centres.manifest_entry(con, opened.height)
        )
        # payments (issue 9): counter, COD and bank rails, planted breaks and their manifest.
        cut_date = calendar.to_date(lake_cut_s // DAY_S)
        payment_rails.build(con, seed, cut_date, settings.inbox_dir / "demo")
        con.execute("begin")
        payment_marts.refresh(con, None)  # payments: the pages' marts, whole
        con.execute("commit")
        if write_feeds:
            payment_files = payment_rails.write_feeds(
                con,
                cut_date,
                settings.inbox_dir / "demo",
                to_lake(pl.concat(feed.pop("fct_payment"))),
                to_lake(pl.concat(feed["fct_settlement"])),
            )
        feed.pop("fct_payment", None)

    summary = DemoSummary(scale, seed, calendar.to_date(start_day), calendar.to_date(end_day), rows)
    if write_feeds:
        labels = feed.pop("shipment_label")
        frames = {k: to_lake(pl.concat(v)) for k, v in feed.items() if v}
        frames["fct_payout"] = to_lake(payout_df.filter(late))
        frames["seller_application"] = to_lake(feed_apps)
        frames["dim_listing"] = to_lake(feed_listings)
        frames["dim_branch"] = ref["dim_branch"]
        summary.feed_files = _write_feeds(frames, settings.inbox_dir / "demo", seed)
        summary.feed_files += payment_files
        summary.feed_files += shipments.write_label_feed(labels, settings.inbox_dir / "demo")
    summary.seconds = time.monotonic() - t0
    return summary


def _seller_master(
    con: duckdb.DuckDBPyConnection, people: pl.DataFrame, seller_df: pl.DataFrame, at_s: int
) -> int:
    """dim_seller through the seller master's own path (``postmart sync sellers``): the
    approved and suspended applications conformed and merged; then what the demo knows
    that no application carries (OTOP stars, the record's last change)."""
    master = conform_sellers(to_lake(sellers.master_applications(people, seller_df)))
    at = dt.datetime.fromtimestamp(at_s, dt.UTC).replace(tzinfo=None)
    merge_sellers(con, master, at=at, by="demo", record_load=False)
    con.register("_demo_extra", to_lake(sellers.demo_only_attributes(seller_df)).to_arrow())
    try:
        con.execute("begin")
        con.execute(
            "update dim_seller set otop_stars = e.otop_stars, updated_at = e.updated_at "
            "from _demo_extra e where dim_seller.seller_id = e.seller_id"
        )
        con.execute("commit")
    finally:
        con.unregister("_demo_extra")
    return master.height


def _write_month(
    con: duckdb.DuckDBPyConnection,
    w: World,
    o: orders.OrderChunk,
    sh: logistics.ShipmentChunk,
    after: orders.AfterShipping,
    money: dict[str, np.ndarray],
    hol: np.ndarray,
    feed: dict[str, list[pl.DataFrame]],
) -> dict[str, int]:
    """One month into the lake in one commit; the held-back slice goes to ``feed``."""
    cut = w.lake_cut_s
    order_df = orders.order_frame(w, o, after, money)
    in_lake = pl.col("ordered_at") < cut
    lake_orders = order_df.filter(in_lake)
    lake_ids = lake_orders["order_id"]
    items = o.items
    all_pay = orders.payment_frame(w, o, after, money)
    pay = all_pay.filter(pl.col("order_id").is_in(lake_ids.implode()))
    feed["fct_payment"].append(all_pay.filter(~pl.col("order_id").is_in(lake_ids.implode())))
    settle = settlements.settlement_frame(pay, hol)
    events = sh.events.filter(pl.col("event_at") < w.cutoff_s)
    lake_track = sh.static.filter(pl.col("_ordered_s") < cut)
    lake_events = events.filter(
        (pl.col("event_at") < cut)
        & pl.col("tracking_no").is_in(lake_track["tracking_no"].implode())
    )
    ship_df = logistics.shipment_frame(lake_track, lake_events)
    readings = sh.readings.filter(
        (pl.col("read_at") < cut) & pl.col("tracking_no").is_in(lake_track["tracking_no"].implode())
    )
    cut_day = cut // DAY_S
    written = {}
    con.execute("begin")
    written["fct_order"] = insert(con, "fct_order", lake_orders)
    written["fct_order_item"] = insert(
        con, "fct_order_item", items.filter(pl.col("order_id").is_in(lake_ids.implode()))
    )
    written["fct_payment"] = insert(con, "fct_payment", pay)
    written["fct_settlement"] = insert(
        con, "fct_settlement", settle.filter(pl.col("settled_on") < cut_day)
    )
    written["fct_shipment"] = insert(con, "fct_shipment", ship_df)
    written["fct_tracking_event"] = insert(con, "fct_tracking_event", lake_events)
    written["fct_cold_chain_reading"] = insert(con, "fct_cold_chain_reading", readings)
    con.execute("commit")

    feed["fct_order"].append(order_df.filter(~in_lake))
    feed["fct_order_item"].append(items.filter(~pl.col("order_id").is_in(lake_ids.implode())))
    feed["fct_settlement"].append(
        settle.filter((pl.col("settled_on") >= cut_day) & (pl.col("settled_on") <= w.end_day))
    )
    feed["fct_tracking_event"].append(events.filter(pl.col("event_at") >= cut))
    feed["shipment_label"].append(sh.static.filter(pl.col("_ordered_s") >= cut))
    return written


def _write_feeds(frames: dict[str, pl.DataFrame], out_dir: Path, seed: int) -> list[Path]:
    """Hand the held-back slice to the feed writer (etl.feeds), which adds realistic defects."""
    from etl.feeds.demo_feeds import write_demo_feeds

    return write_demo_feeds(frames, out_dir, seed)
