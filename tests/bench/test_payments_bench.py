"""Payments benchmark (``make bench``): reconciliation and the payments pages' data work.

Measured, printed as one table, not asserted (issue 9, item 7):

- full reconciliation from scratch (the breaks query and opening every case);
- the ceiling: a bare DuckDB join of payments to settlement lines on their key, no
  classification;
- the common approach: the same matching done with pandas merges, timed alone (tables
  already in memory, which flatters pandas) and with the reading of the tables into pandas
  (like for like with the full run, which reads the lake);
- incremental: a rerun after one day's settlement file is loaded;
- each payments page's data work, warm (the median of three calls after a first).

``POSTMART_PAYMENTS_BENCH_PAGES_ONLY=1`` measures the pages only (the large demo), on a
copy of the demo's own ops DB (its cases and holds) when the folder has one.

The lake is the demo in ``POSTMART_PAYMENTS_BENCH_DATA_DIR`` (a folder made by
``POSTMART_DATA_DIR=... postmart demo --scale medium``), copied first; without it a small
demo is built in a temporary folder. Targets: full run ≤ 3× the ceiling and ≥ 3× faster
than pandas; incremental ≤ 10 s; page data work ≤ 500 ms warm (on the large demo).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from dashboard.identity.user import CLI_ACTOR
from dashboard.payments import custody, health, payouts, queue, recon, statement, trail
from etl.load import payment_marts
from etl.load.loader import load_files
from tests.lake_catalogs import copy_lake_files
from tests.ops_db import copy_sqlite, migrated_sqlite
from tests.payments.helpers import next_settlement_file
from warehouse import ops
from warehouse.lake import OVERRIDE_DATA_PATH_ENV, connect_reader, connect_writer
from warehouse.settings import Settings, load_settings

pytestmark = pytest.mark.bench
MARTS_REBUILT_S: list[float] = []


def _timed(call: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = call()
    return time.perf_counter() - t0, out


def _warm(call: Callable[[], object]) -> float:
    """The median of three warm calls (after one to warm up)."""
    call()
    return statistics.median(_timed(call)[0] for _ in range(3))


@pytest.fixture(scope="module")
def bench_lake(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    given = os.environ.get("POSTMART_PAYMENTS_BENCH_DATA_DIR")
    work = tmp_path_factory.mktemp("pay_bench") / "data"
    work.mkdir()
    if given:
        source = load_settings({"POSTMART_DATA_DIR": given})
        copy_lake_files(source, work)
        shutil.copytree(source.inbox_dir, work / "inbox", dirs_exist_ok=True)
        os.environ[OVERRIDE_DATA_PATH_ENV] = "1"
    else:
        from etl.demo import build_demo

        build_demo(
            load_settings({"POSTMART_DATA_DIR": str(work)}), scale="small", log=lambda _m: None
        )
    demo_ops = Path(given or "-") / "ops.sqlite"
    if os.environ.get("POSTMART_PAYMENTS_BENCH_PAGES_ONLY") and demo_ops.is_file():
        # the pages as the demo left them: its cases (118,000 open on the large), holds
        template = demo_ops
    else:
        template = migrated_sqlite(tmp_path_factory.mktemp("pay_bench_ops") / "ops.sqlite")
    url = copy_sqlite(template, work / "ops.sqlite")
    settings = dataclasses.replace(load_settings({"POSTMART_DATA_DIR": str(work)}), ops_db_url=url)
    # A demo built before lake version 12 has its marts empty: rebuild them once (timed).
    with connect_writer(settings) as con:
        if not payment_marts.is_built(con):
            t0 = time.perf_counter()
            con.execute("begin")
            payment_marts.refresh(con, None)
            con.execute("commit")
            MARTS_REBUILT_S.append(time.perf_counter() - t0)
    return settings


def _pandas_matching(con) -> tuple[float, float]:
    """The gateway and counter matching as a pandas shop writes it: merges and masks.
    Returns (seconds reading the tables into pandas, seconds matching)."""
    t_read = time.perf_counter()
    pay = con.execute(
        "select transaction_id, order_id, channel, txn_type, status, paid_at, amount_thb "
        "from fct_payment"
    ).df()
    lines = con.execute(
        "select transaction_id, settlement_batch_id, merchant_order_ref, gross_thb, fee_thb, "
        "fee_vat_thb, net_thb, settled_on from fct_settlement"
    ).df()
    credits = con.execute("select reference, amount_thb, value_on from fct_bank_credit").df()
    counter = con.execute("select ref1, amount_thb, paid_at from fct_counter_payment").df()
    ship = con.execute(
        "select tracking_no, order_id, cod_amount_thb, delivered_at from fct_shipment "
        "where is_cod and delivered_at is not null"
    ).df()
    remit = con.execute("select tracking_no, amount_thb from fct_cod_remittance").df()
    t0 = time.perf_counter()
    read_s = t0 - t_read
    ok = pay[(pay.status == "success") & pay.txn_type.isin(["charge", "refund", "chargeback"])]
    gw = ok[~ok.channel.isin(["counter", "cod"])]
    by_txn = lines.groupby("transaction_id", as_index=False).agg(
        gross=("gross_thb", "sum"), settled_on=("settled_on", "min")
    )
    m = gw.merge(by_txn, on="transaction_id", how="left", indicator=True)
    _missing = m[m["_merge"] == "left_only"]
    both = m[m["_merge"] == "both"]
    _mismatch = both[(both.gross.astype(float).abs() - both.amount_thb.astype(float)).abs() > 0.5]
    orphans = lines.merge(pay[["transaction_id"]], on="transaction_id", how="left", indicator=True)
    _orphans = orphans[orphans["_merge"] == "left_only"]
    batch = lines.groupby("settlement_batch_id", as_index=False).agg(net=("net_thb", "sum"))
    fb = batch.merge(credits, left_on="settlement_batch_id", right_on="reference", how="left")
    _unfunded = fb[fb.reference.isna() & (fb.net.astype(float) > 0)]
    cnt = ok[ok.channel == "counter"].merge(
        counter.groupby("ref1", as_index=False).first(),
        left_on="order_id",
        right_on="ref1",
        how="left",
    )
    _counter_missing = cnt[cnt.ref1.isna()]
    cod = ship.merge(remit, on="tracking_no", how="left")
    _cod_missing = cod[cod.amount_thb.isna()]
    coll = ok[(ok.txn_type == "charge") & ~ok.channel.isin(["counter", "cod"])][["order_id"]]
    allc = (
        pd.concat([coll, counter.rename(columns={"ref1": "order_id"})[["order_id"]]])
        .assign(n=1)
        .groupby("order_id")
        .n.sum()
    )
    _dups = allc[allc > 1]
    return read_s, time.perf_counter() - t0


# The pandas matching above as bare DuckDB joins and groupings (the same five matchings,
# every rail, no classification, no lags or contracts): the floor under a full run, where
# the ceiling is the gateway rail's first join only.
_FLOOR_SQL = """
with ok as (
    select * from fct_payment
    where status = 'success' and txn_type in ('charge', 'refund', 'chargeback')
),
by_txn as (
    select transaction_id, sum(gross_thb) as gross, min(settled_on) as settled_on
    from fct_settlement group by transaction_id
),
gw as (
    select g.transaction_id, g.amount_thb, l.gross
    from ok g left join by_txn l using (transaction_id)
    where g.channel not in ('counter', 'cod')
),
orphans as (
    select s.transaction_id from fct_settlement s anti join fct_payment p using (transaction_id)
),
unfunded as (
    select b.settlement_batch_id from (
        select settlement_batch_id, sum(net_thb) as net from fct_settlement group by 1
    ) b anti join fct_bank_credit c on c.reference = b.settlement_batch_id
    where b.net > 0
),
counter_missing as (
    select o.order_id from ok o anti join fct_counter_payment c on c.ref1 = o.order_id
    where o.channel = 'counter'
),
cod_missing as (
    select s.tracking_no from fct_shipment s anti join fct_cod_remittance r using (tracking_no)
    where s.is_cod and s.delivered_at is not null
),
dups as (
    select order_id from (
        select order_id from ok where txn_type = 'charge' and channel not in ('counter', 'cod')
        union all select ref1 from fct_counter_payment
    ) group by order_id having count(*) > 1
)
select
    (select count(*) from gw where gross is null or abs(abs(gross) - amount_thb) > 0.5),
    (select count(*) from orphans), (select count(*) from unfunded),
    (select count(*) from counter_missing), (select count(*) from cod_missing),
    (select count(*) from dups)
"""


def _recon_rows(settings: Settings, rows: list) -> tuple:
    """Reconciliation: from scratch, the ceiling, pandas, a rerun, and incremental after one
    day's settlement file; rows appended, returns (as_of, ratio text, the rerun)."""
    con = connect_reader(settings)
    try:
        query_s, (as_of, breaks) = _timed(lambda: recon.find_breaks(con, settings))
        # warm: the files read once already, as pandas' tables are in memory before its
        # matching is timed (no result is kept between runs)
        query_warm_s = min(_timed(lambda: recon.find_breaks(con, settings))[0] for _ in range(2))
        full_s, first = _timed(lambda: recon.run(CLI_ACTOR, settings=settings, con=con, full=True))
        ceiling_s = min(
            _timed(
                lambda: con.execute(
                    "select p.transaction_id, p.amount_thb, s.gross_thb from fct_payment p "
                    "join fct_settlement s using (transaction_id)"
                ).arrow()
            )[0]
            for _ in range(3)
        )
        floor_s = min(_timed(lambda: con.execute(_FLOOR_SQL).fetchall())[0] for _ in range(3))
        pandas_read_s, pandas_s = _pandas_matching(con)
        rerun_s, again = _timed(lambda: recon.run(CLI_ACTOR, settings=settings, con=con))
    finally:
        con.close()
    rows += [
        ("breaks query (DuckDB SQL, all classes)", query_s, f"{breaks.height:,} breaks; first"),
        ("breaks query, warm (best of 2 more)", query_warm_s, ""),
        ("full reconciliation from scratch", full_s, f"{first.count_opened:,} cases opened"),
        ("ceiling: bare DuckDB join payments ⋈ lines", ceiling_s, ""),
        ("floor: the pandas matching as bare DuckDB joins", floor_s, "every rail"),
        ("pandas merges (matching only)", pandas_s, ""),
        (
            "pandas: the tables read from the lake, then merged",
            pandas_read_s + pandas_s,
            "like for like with the full run, which reads the lake too",
        ),
        ("rerun, nothing changed", rerun_s, f"changed={again.changed}"),
    ]
    # One day's settlement file: the demo's when its held-back day has one (a business
    # day), else the next day's lines of the lake's unsettled gateway charges.
    day_file = next(iter(sorted((settings.inbox_dir / "demo").glob("settlements*.csv"))), None)
    day_file = day_file or next_settlement_file(settings, settings.data_dir)
    if day_file is not None:
        load_s, _ = _timed(lambda: load_files(day_file, settings=settings))
        rows.append(("load of that file (marts refreshed in it)", load_s, day_file.name))
        inc_s, inc = _timed(lambda: recon.run(CLI_ACTOR, settings=settings))
        rows.append(
            (
                "incremental: after one day's settlement file",
                inc_s,
                f"{inc.count_opened} opened, {inc.count_closed} closed; days from "
                f"{inc.since_on} re-examined",
            )
        )
    ratios = (
        f"full / ceiling = {full_s / ceiling_s:.1f}x; floor / ceiling = "
        f"{floor_s / ceiling_s:.1f}x; full / floor = {full_s / floor_s:.1f}x; pandas / breaks "
        f"query warm = {pandas_s / query_warm_s:.2f}x (first: {pandas_s / query_s:.2f}x); "
        f"pandas / full = {pandas_s / full_s:.2f}x; pandas / floor = {pandas_s / floor_s:.2f}x; "
        f"pandas reading and merging / full = {(pandas_read_s + pandas_s) / full_s:.2f}x"
    )
    return as_of, ratios, again


def test_payments_bench(bench_lake: Settings, capsys) -> None:
    settings = bench_lake
    rows: list[tuple[str, float, str]] = []
    con = connect_reader(settings)
    try:
        n_pay = con.execute("select count(*) from fct_payment").fetchone()[0]
        n_orders = con.execute("select count(*) from fct_order").fetchone()[0]
    finally:
        con.close()
    rows += [("marts: full rebuild (once, upgrade)", s, "") for s in MARTS_REBUILT_S]
    as_of, ratios, again = None, "", None
    if not os.environ.get("POSTMART_PAYMENTS_BENCH_PAGES_ONLY"):
        as_of, ratios, again = _recon_rows(settings, rows)
    con = connect_reader(settings)
    try:
        seller = con.execute(
            "select seller_id from fct_order group by seller_id order by count(*) desc limit 1"
        ).fetchone()[0]
        pages = {
            "reconciliation (statement + ageing)": lambda: (
                statement.daily_statement(CLI_ACTOR, con, "gateway", settings=settings),
                queue.ageing(CLI_ACTOR, settings=settings),
            ),
            "exception queue (a page)": lambda: queue.queue_page(CLI_ACTOR, settings=settings),
            "payment health": lambda: health.health(CLI_ACTOR, con, settings=settings),
            "settlement": lambda: health.settlement(CLI_ACTOR, con, settings=settings),
            "COD custody": lambda: custody.custody(CLI_ACTOR, con, settings=settings),
            "payouts (schedule)": lambda: payouts.schedule(CLI_ACTOR, con, settings=settings),
            "money trail (one seller)": lambda: trail.money_trail(
                CLI_ACTOR, con, seller, settings=settings
            ),
        }
        for name, call in pages.items():
            rows.append((f"page data, warm: {name}", _warm(call), ""))
    finally:
        con.close()
        ops.dispose_all()
    with capsys.disabled():
        print(f"\npayments bench: {n_orders:,} orders, {n_pay:,} payments, as of {as_of}")
        print(f"{'item':<48}{'seconds':>10}  note")
        for name, seconds, note in rows:
            print(f"{name:<48}{seconds:>10.3f}  {note}")
        print(ratios)
    assert again is None or not again.changed
