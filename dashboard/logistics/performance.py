"""Delivery performance for a user's scope: the KPIs of the registry (``kpis``), the D+k
distribution, lead times, failed deliveries by reason, the pickup backlog, mail-centre
dwell and, for late items, where the time went.

Every function takes the acting user first and resolves the branches they may see
(``scope.resolve``) before any figure is read. Period: shipments accepted from
``start`` up to and including ``end`` (dates, Bangkok time like the lake). Pass ``con``
(the app's reader) or let the function open and close its own.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import duckdb
import polars as pl

from dashboard.errors import NotFound
from dashboard.identity.user import User
from dashboard.logistics import kpis, scope
from warehouse import query, vocab
from warehouse.lake import LakeMissing, connect_reader
from warehouse.settings import Settings, load_settings

T = TypeVar("T")
DEFAULT_DAYS = 30
D_PLUS_K_CAP = 7  # D+7 and later share one bar
LEAD_TIME_GROUPS = ("service", "region", "province")
BACKLOG_BUCKETS_H: tuple[tuple[str, float, float], ...] = (
    ("lt_48h", 0, 48),
    ("d2_3", 48, 72),
    ("d3_5", 72, 120),
    ("gt_5d", 120, float("inf")),
)


@dataclass(frozen=True)
class Filters:
    """What a page asks for; region and branch narrow the user's scope, never widen it."""

    start: dt.date | None = None
    end: dt.date | None = None
    service: str | None = None
    region: str | None = None
    branch: str | None = None

    def __post_init__(self) -> None:
        if self.service is not None and self.service not in vocab.SERVICE_CODES:
            raise NotFound("logistics.unknown_service", service=self.service)


NO_FILTERS = Filters()  # the user's whole scope, the default period


@dataclass(frozen=True)
class KpiValue:
    key: str
    unit: str
    value: float | int | None
    numerator: int | None = None
    denominator: int | None = None


@dataclass
class Summary:
    values: list[KpiValue]
    as_of: dt.datetime | None
    start: dt.date
    end: dt.date
    scope: scope.BranchScope

    def value(self, key: str) -> float | int | None:
        return next(v.value for v in self.values if v.key == key)


@contextmanager
def reading(
    con: duckdb.DuckDBPyConnection | None, settings: Settings | None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """``con`` as given, or a reader opened for the call (NotFound when no lake yet)."""
    if con is not None:
        yield con
        return
    try:
        own = connect_reader(settings or load_settings())
    except LakeMissing as exc:
        raise NotFound("lake.missing") from exc
    try:
        yield own
    finally:
        own.close()


def as_of(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """The newest tracking event in the lake: "now" for overdue items and the backlog."""
    return _now(con)[0]


def _now(con: duckdb.DuckDBPyConnection) -> tuple[dt.datetime | None, int | None]:
    """ "Now" and its working day (mart_working_day.wd_index)."""
    row = query.run(con, "logistics/as_of").row(0)
    return row[0], row[1]


def working_day(con: duckdb.DuckDBPyConnection, day: dt.date) -> int | None:
    """mart_working_day.wd_index of ``day`` (None outside dim_date)."""
    days = query.run(con, "logistics/working_day", day=day)["wd_index"]
    return days[0] if len(days) else None


def period(f: Filters, end: dt.datetime | None) -> tuple[dt.date, dt.date]:
    """The filters' dates, defaulting to the 30 days ending at the lake's newest event."""
    last = f.end or (end.date() if end else dt.date.today())
    first = f.start or (last - dt.timedelta(days=DEFAULT_DAYS - 1))
    return (first, last) if first <= last else (last, first)


@dataclass(frozen=True)
class Context:
    """Everything a statement needs: the scope, the period and "now"."""

    scope: scope.BranchScope
    start: dt.date
    end: dt.date
    as_of: dt.datetime
    service: str | None
    as_of_wd: int | None = None  # the working day of as_of: overdue when past due_wd

    def params(self, **extra: Any) -> dict:
        return {
            **self.scope.params(),
            "start": dt.datetime.combine(self.start, dt.time()),
            "end": dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time()),
            "as_of": self.as_of,
            "as_of_wd": self.as_of_wd,
            "service": self.service,
            **extra,
        }


# The contexts resolved inside one page run (``one_view``), by connection, user, filters
# and viewers; None outside one.
_VIEW: contextvars.ContextVar[dict | None] = contextvars.ContextVar("logistics_view", default=None)


@contextmanager
def one_view() -> Iterator[None]:
    """Within it, the scope and "now" of a user and filters are resolved once: a page run
    that asks for seven figures reads them once, not seven times (each is a lake query,
    and a lake query pays the catalog's metadata reads). The authorization is the same
    check; only its repetition goes."""
    token = _VIEW.set({})
    try:
        yield
    finally:
        _VIEW.reset(token)


def context(
    user: User | None,
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    settings: Settings | None = None,
    viewers: frozenset[str] | None = None,
) -> Context:
    memo = _VIEW.get()
    if memo is None:
        return _context(user, con, f, settings, viewers)
    key = (id(con), user, f, viewers)  # the whole account: its role and its scope
    if key not in memo:
        memo[key] = _context(user, con, f, settings, viewers)
    return memo[key]


def _context(
    user: User | None,
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    settings: Settings | None,
    viewers: frozenset[str] | None,
) -> Context:
    kw = {"viewers": viewers} if viewers is not None else {}
    s = scope.resolve(user, con, region=f.region, branch=f.branch, settings=settings, **kw)
    now, now_wd = _now(con)
    if now is None:
        now = dt.datetime.now()
        now_wd = working_day(con, now.date())
    start, end = period(f, now)
    return Context(s, start, end, now, f.service, now_wd)


def _with(
    user: User | None,
    f: Filters,
    con: duckdb.DuckDBPyConnection | None,
    settings: Settings | None,
    read: Callable[[duckdb.DuckDBPyConnection, Context], T],
) -> T:
    with reading(con, settings) as c:
        return read(c, context(user, c, f, settings))


def summary_for(con: duckdb.DuckDBPyConnection, ctx: Context) -> Summary:
    row = query.run(con, "logistics/kpi_summary", **ctx.params()).row(0, named=True)
    return summary_from_row(row, ctx)


def summary_from_row(row: dict, ctx: Context) -> Summary:
    """The registry's rate and count KPIs from one row of kpi_summary.sql."""
    values = [
        KpiValue(
            k.key,
            k.unit,
            kpis.rate(row[k.numerator], row[k.denominator]),
            int(row[k.numerator] or 0),
            int(row[k.denominator] or 0),
        )
        for k in kpis.RATE_KPIS
    ]
    values += [KpiValue(k.key, k.unit, int(row[k.numerator] or 0)) for k in kpis.COUNT_KPIS]
    return Summary(values, ctx.as_of, ctx.start, ctx.end, ctx.scope)


def summary(
    user: User | None,
    f: Filters = NO_FILTERS,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    settings: Settings | None = None,
) -> Summary:
    """The rate and count KPIs of the registry for the user's scope and the filters."""
    return _with(user, f, con, settings, summary_for)


def d_plus_k(user: User | None, f: Filters = NO_FILTERS, **kw: Any) -> pl.DataFrame:
    """k (working days, D+7 and later folded), count_shipments, count_on_time."""
    return _with(
        user,
        f,
        kw.get("con"),
        kw.get("settings"),
        lambda c, ctx: query.run(c, "logistics/d_plus_k", **ctx.params(cap=D_PLUS_K_CAP)),
    )


def lead_times(
    user: User | None, f: Filters = NO_FILTERS, by: str = "service", **kw: Any
) -> pl.DataFrame:
    """group_code, count_shipments, p50/p90/p95_hours by service, region or province."""
    if by not in LEAD_TIME_GROUPS:
        raise ValueError(f"lead times by {by!r}: one of {LEAD_TIME_GROUPS}")
    return _with(
        user,
        f,
        kw.get("con"),
        kw.get("settings"),
        lambda c, ctx: query.run(c, "logistics/lead_time", **ctx.params(by=by)),
    )


def failed_by_reason(user: User | None, f: Filters = NO_FILTERS, **kw: Any) -> pl.DataFrame:
    """reason, count_failed, rate (percent of the items out for delivery)."""

    def read(c: duckdb.DuckDBPyConnection, ctx: Context) -> pl.DataFrame:
        df = query.run(c, "logistics/failed_by_reason", **ctx.params())
        return df.with_columns(
            (100.0 * pl.col("count_failed") / pl.col("count_out_for_delivery"))
            .round(2)
            .alias("rate")
        ).drop("count_out_for_delivery")

    return _with(user, f, kw.get("con"), kw.get("settings"), read)


@dataclass
class Backlog:
    orders: pl.DataFrame  # one row per order waiting (age_hours, bucket, seller, branch)
    buckets: pl.DataFrame  # bucket, count_orders (every bucket, zeros included)
    by_seller: pl.DataFrame
    by_branch: pl.DataFrame
    sla_hours: float


def _bucket(age: pl.Expr) -> pl.Expr:
    expr = pl.lit(BACKLOG_BUCKETS_H[-1][0])
    for name, _lo, hi in reversed(BACKLOG_BUCKETS_H[:-1]):
        expr = pl.when(age <= hi).then(pl.lit(name)).otherwise(expr)
    return expr


def pickup_backlog(
    user: User | None,
    f: Filters = NO_FILTERS,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    settings: Settings | None = None,
) -> Backlog:
    """Paid orders with no acceptance scan after the PICKUP_SLA_HOURS setting, at the
    lake's "now", in age buckets, per seller and per origin branch."""
    settings = settings or load_settings()
    sla = float(settings.pickup_sla_hours)

    def read(c: duckdb.DuckDBPyConnection, ctx: Context) -> Backlog:
        orders = query.run(c, "logistics/pickup_backlog", **ctx.params(sla_hours=sla))
        orders = orders.with_columns(_bucket(pl.col("age_hours")).alias("bucket"))
        names = [b[0] for b in BACKLOG_BUCKETS_H]
        counts = orders.group_by("bucket").len("count_orders")
        buckets = (
            pl.DataFrame({"bucket": names})
            .join(counts, on="bucket", how="left")
            .with_columns(pl.col("count_orders").fill_null(0))
        )

        def per(col: str) -> pl.DataFrame:
            return (
                orders.group_by(col)
                .agg(
                    pl.len().alias("count_orders"), pl.col("age_hours").max().alias("oldest_hours")
                )
                .sort("count_orders", col, descending=[True, False])
            )

        return Backlog(orders, buckets, per("seller_id"), per("origin_branch_code"), sla)

    return _with(user, f, con, settings, read)


def mail_centre_dwell(user: User | None, f: Filters = NO_FILTERS, **kw: Any) -> pl.DataFrame:
    """location, count_stays, p50_hours, p90_hours (arrival 211 to next departure 201)."""
    return _with(
        user,
        f,
        kw.get("con"),
        kw.get("settings"),
        lambda c, ctx: query.run(c, "logistics/dwell", **ctx.params()),
    )


def late_segments(user: User | None, f: Filters = NO_FILTERS, **kw: Any) -> pl.DataFrame:
    """postal_region_code, count_late and the median hours of each segment of late items."""
    return _with(
        user,
        f,
        kw.get("con"),
        kw.get("settings"),
        lambda c, ctx: query.run(c, "logistics/late_segments", **ctx.params()),
    )


@dataclass
class Deliveries:
    """The deliveries page's figures, read together (``deliveries``)."""

    summary: Summary
    d_plus_k: pl.DataFrame
    lead_times: pl.DataFrame
    failed_by_reason: pl.DataFrame
    backlog: Backlog
    dwell: pl.DataFrame
    late_segments: pl.DataFrame


# Reads of one page run at once. Each is one lake query on its own cursor, and a lake
# query spends much of its time single-threaded (the catalog's metadata, planning, small
# scans): two at a time took the deliveries page on the large demo from about 440 to about
# 300 ms; more gained nothing on two cores.
PAGE_READERS = 2


def deliveries(
    user: User | None,
    f: Filters = NO_FILTERS,
    *,
    by: str = "service",
    con: duckdb.DuckDBPyConnection | None = None,
    settings: Settings | None = None,
) -> Deliveries:
    """Every figure of the deliveries page (lead times grouped ``by``), read two at a time
    after the user's scope and "now" are resolved once, here (an authorization failure
    stops it before any figure is read)."""
    settings = settings or load_settings()
    with one_view(), reading(con, settings) as c:
        context(user, c, f, settings)
        reads: list[Callable[[], object]] = [
            lambda: summary(user, f, con=c, settings=settings),
            lambda: d_plus_k(user, f, con=c, settings=settings),
            lambda: lead_times(user, f, by, con=c, settings=settings),
            lambda: failed_by_reason(user, f, con=c, settings=settings),
            lambda: pickup_backlog(user, f, con=c, settings=settings),
            lambda: mail_centre_dwell(user, f, con=c, settings=settings),
            lambda: late_segments(user, f, con=c, settings=settings),
        ]
        view = contextvars.copy_context()  # the resolved scope and "now", in each thread
        with ThreadPoolExecutor(PAGE_READERS, thread_name_prefix="deliveries") as pool:
            futures = [pool.submit(view.copy().run, read) for read in reads]
            return Deliveries(*(fut.result() for fut in futures))
