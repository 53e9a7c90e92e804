"""What an impact view's figures rest on, read from the lake once: per snapshot, what every
view of it shares (the facts the periods rest on, the reference geography, the seller master,
each seller's first delivered order) in an in-memory database, kept per process; per view,
its three windows (``seller_windows.sql``) on a cursor of that database, where
``kpi_areas_local.sql`` sums the areas (``figures.impact_view``)."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

import duckdb
import polars as pl

from dashboard.impact import snapshots
from dashboard.impact.periods import Period
from warehouse import query

# DOPA registered population, end of 2023 (docs/reference-data.md; the same figure the
# reference geography's population weights share, etl/reference/geography.py).
NATIONAL_POPULATION = 66_052_615


def read_facts(con: duckdb.DuckDBPyConnection) -> dict:
    return query.run(con, "impact/facts").row(0, named=True)


def whole_end(period: Period) -> dt.date:
    """The end of the whole months a period's figures can read off the seller × month mart:
    the first day of its end's month (the period's start when that is not a month's first)."""
    if period.start.day != 1:
        return period.start
    return max(period.start, period.end.replace(day=1))


def ts(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


# What every view of one snapshot shares (a snapshot never changes), read once per process:
# the facts the periods rest on, the reference geography, the seller master and each
# seller's first delivered order, in an in-memory database where kpi_areas_local.sql sums
# the areas (each view adds its own windows on a cursor of it).
_GEOGRAPHY_SQL = {
    "dim_region": "select region_code, name_th, name_en from lake.dim_region",
    "dim_province": (
        "select province_code, region_code, name_th, name_en, population_weight "
        "from lake.dim_province"
    ),
    "dim_district": "select district_code, province_code, name_th, name_en from lake.dim_district",
    "dim_subdistrict": (
        "select subdistrict_code, district_code, population_weight from lake.dim_subdistrict"
    ),
}
_SELLERS_SQL = (
    "select seller_id, province_code, district_code, is_low_income, count_members, approved_at "
    "from lake.dim_seller"
)
# window -1 of seller_windows (kpi_areas_local.sql): each seller's first delivered order
_FIRST_SQL = (
    "select -1 as window_no, seller_id, 0 as count_orders, "
    "cast(0 as decimal(38, 2)) as sales_thb, cast(0 as decimal(38, 2)) as income_thb, "
    "min(first_delivered_at) as first_at "
    "from lake.mart_impact_seller_month where first_delivered_at is not null group by seller_id"
)
_SNAPSHOT_KEEP = 8


@dataclass
class SnapshotInputs:
    facts: dict
    db: duckdb.DuckDBPyConnection | None  # None: a lake without the seller × month mart
    first: pl.DataFrame | None


_SNAPSHOTS: dict[tuple[str, int, str], SnapshotInputs] = {}
_SNAPSHOTS_LOCK = threading.Lock()


def snapshot_inputs(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> SnapshotInputs:
    key = snapshots.cache_key(con, snapshot_id)
    with _SNAPSHOTS_LOCK:
        got = _SNAPSHOTS.get(key)
    if got is not None:
        return got
    facts = read_facts(con)
    db, first = None, None
    if facts["has_seller_month"]:
        frames = {
            **{name: query.fetch_df(con, sql) for name, sql in _GEOGRAPHY_SQL.items()},
            "dim_seller": query.fetch_df(con, _SELLERS_SQL),
        }
        first = query.fetch_df(con, _FIRST_SQL)
        db = duckdb.connect()
        for name, frame in frames.items():
            db.register("_frame", frame.to_arrow())
            db.execute(f"create table {query.quote_ident(name)} as select * from _frame")  # noqa: S608
            db.unregister("_frame")
    got = SnapshotInputs(facts, db, first)
    with _SNAPSHOTS_LOCK:
        if len(_SNAPSHOTS) >= _SNAPSHOT_KEEP:
            # the oldest goes; a view still summing on it keeps its database alive
            _SNAPSHOTS.pop(next(iter(_SNAPSHOTS)))
        _SNAPSHOTS[key] = got
    return got


class Local:
    """One view's windows (``seller_windows.sql``: the period, the previous period and the
    year before, read from the lake once) on a cursor of the snapshot's in-memory
    database, where ``kpi_areas_local.sql`` sums the areas: a few lake scans per view
    instead of a dozen per area level and period."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        inputs: SnapshotInputs,
        windows: tuple[Period, Period, Period],
        use_payouts: bool,
    ) -> None:
        self.windows = windows
        self.use_payouts = use_payouts
        params: dict = {"use_payouts": use_payouts}
        # A year's previous period is the year before: read it once (window 2 left empty
        # and filled from window 1 after).
        same = windows[2] == windows[1]
        for i, w in enumerate(windows):
            if i == 2 and same:
                start = ts(windows[1].start)
                params |= {"s2": start, "w2": start, "e2": start}
                continue
            params |= {f"s{i}": ts(w.start), f"w{i}": ts(whole_end(w)), f"e{i}": ts(w.end)}
        sums = query.run(con, "impact/seller_windows", **params)
        if same:
            again = sums.filter(pl.col("window_no") == 1).with_columns(
                pl.lit(2, dtype=sums.schema["window_no"]).alias("window_no")
            )
            sums = pl.concat([sums, again])
        self.db = inputs.db.cursor()
        # a temporary table: this cursor's own, unseen by another view's cursor
        windows_rows = pl.concat([sums, inputs.first.cast(sums.schema)])
        self.db.register("_windows", windows_rows.to_arrow())
        self.db.execute("create temp table seller_windows as select * from _windows")
        self.db.unregister("_windows")

    def measures(self, window_no: int, level: str, region: str, province: str) -> pl.DataFrame:
        period = self.windows[window_no]
        return query.run_here(
            self.db,
            "impact/kpi_areas_local",
            window_no=window_no,
            start=ts(period.start),
            end=ts(period.end),
            level=level,
            region=region,
            province=province,
            population=float(NATIONAL_POPULATION),
            use_payouts=self.use_payouts,
        )

    def close(self) -> None:
        self.db.close()
