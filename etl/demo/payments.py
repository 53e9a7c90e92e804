# ruff: noqa: S608 -- every SQL text here is built from constants of this module.
"""The money rails of the demo beside the gateways: counter bill payments, COD remittances,
bank credits and payout returns, and the planted reconciliation problems with their manifest.

Runs on the writer connection once every month is in the lake. The rails are derived from
what the lake holds (a counter-channel charge becomes a bank's bill-payment record, a
delivered COD parcel a remittance, a settlement batch a bank credit …), then a few records
of each break class are planted by changing those rows. Every planted problem is one
manifest entry: class, rail, the break's reference and its amount, the very figures the
reconciliation engine must find (``tests/payments/test_recon_demo.py``). Natural chargebacks
are in the manifest too: every chargeback is a case.

The day held back from the lake comes out as feed files (``write_feeds``): the gateways'
transaction log, one counter file per bank, the COD remittances, the bank statement with
Thai headers, and payout returns.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import polars as pl

from etl.feeds.fixed_width import BillPayment, write_bill_payment
from warehouse.query import quote_ident

MANIFEST_NAME = ".payments_manifest.json"
PROGRAMME_ACCOUNT = "0011223344"
COUNTER_BANKS = ("004", "014", "006")  # KBank, SCB, Krungthai
COUNTER_LAG_DAYS = 1  # the bank credits a day's bill payments the next business day
COD_REMIT_AFTER_DAYS = 1  # branches remit the next business day
# Planted problems must sit well inside the lake's history, clear of the in-transit days.
SETTLED_MARGIN_DAYS = 12
# One planted problem per class for every this many orders (at least MIN_PLANTED).
ORDERS_PER_PLANTED = 1_500
MIN_PLANTED = 2
LATE_BY_BUSINESS_DAYS = 3


def _k(con: duckdb.DuckDBPyConnection) -> int:
    n = con.execute("select count(*) from fct_order").fetchone()[0]
    return max(MIN_PLANTED, n // ORDERS_PER_PLANTED)


def _rails(con: duckdb.DuckDBPyConnection, cut_day: dt.date) -> None:
    """Counter records, COD remittances (the lake's part) from the lake's payments."""
    con.execute(
        """
        create or replace temp table _branch as
        select branch_code, cast(row_number() over (order by branch_code) - 1 as bigint) rn
        from dim_branch
        """
    )
    n_branch = con.execute("select count(*) from _branch").fetchone()[0] or 1
    con.execute(
        f"""
        insert into fct_counter_payment
        select
            ['004', '014', '006'][1 + cast(hash(p.transaction_id) % 3 as integer)] as bank_code,
            'BP' || substr(p.transaction_id, 3) as bank_ref,
            p.paid_at,
            p.order_id as ref1,
            o.seller_id as ref2,
            null as customer_name,
            b.branch_code as counter_branch_code,
            case hash(p.transaction_id || 'ch') % 10
                when 0 then 'atm' when 1 then 'internet' when 2 then 'mobile' else 'counter'
            end as counter_channel,
            p.amount_thb,
            cast(p.paid_at as date) as file_on,
            'demo:counter' as source_file
        from fct_payment p
        join fct_order o using (order_id)
        left join _branch b on b.rn = hash(p.transaction_id || 'br') % {int(n_branch)}
        where p.channel = 'counter' and p.txn_type = 'charge' and p.status = 'success'
        """
    )
    con.execute(
        """
        create or replace temp table _cod_remit as
        with delivered as (
            select
                s.tracking_no, s.cod_amount_thb, s.delivered_at, s.dest_branch_code,
                bd.roll_seq
            from fct_shipment s
            join mart_business_day bd on bd.date_day = cast(s.delivered_at as date)
            where s.is_cod and s.delivered_at is not null
        )
        select
            d.tracking_no,
            d.dest_branch_code as branch_code,
            d.cod_amount_thb as amount_thb,
            d.delivered_at as collected_at,
            r.date_day + interval 15 hour
                + to_minutes(cast(hash(d.tracking_no) % 120 as bigint)) as remitted_at,
            'COD-' || d.dest_branch_code || '-' || strftime(r.date_day, '%Y%m%d') as deposit_ref,
            'demo:cod_remittances' as source_file
        from delivered d
        join mart_business_day r
            on r.is_business_day and r.business_day_seq = d.roll_seq + $lag
        """,
        {"lag": COD_REMIT_AFTER_DAYS if True else 0},
    )
    con.execute(
        "insert into fct_cod_remittance select * from _cod_remit "
        "where remitted_at < cast($cut as timestamp)",
        {"cut": cut_day},
    )


def _pool(con: duckdb.DuckDBPyConnection, cut_day: dt.date, seed: int) -> None:
    """Orders with one plain story (one successful charge, nothing else), ranked by a seeded
    hash: the planted problems take disjoint ranks, so no order carries two of them."""
    con.execute(
        """
        create or replace temp table _pool as
        with txn as (
            select order_id,
                count(*) filter (where status = 'success') as n_ok,
                count(*) filter (where txn_type <> 'charge') as n_other,
                count(*) as n
            from fct_payment group by order_id
        ),
        lines as (
            select transaction_id, count(*) as n_lines, min(settled_on) as settled_on
            from fct_settlement group by transaction_id
        )
        select
            p.transaction_id, p.order_id, p.gateway, p.channel, p.paid_at, p.amount_thb,
            l.settled_on,
            case when p.channel = 'counter' then 'counter' else 'gateway' end as rail,
            row_number() over (
                partition by case when p.channel = 'counter' then 'counter' else 'gateway' end
                order by hash(p.transaction_id || $seed)
            ) - 1 as rnk
        from fct_payment p
        join txn t using (order_id)
        left join lines l using (transaction_id)
        where p.txn_type = 'charge' and p.status = 'success' and p.channel <> 'cod'
          and t.n_ok = 1 and t.n_other = 0 and t.n = 1
          and cast(p.paid_at as date) < $cut - to_days($margin)
          and (p.channel = 'counter' or l.n_lines = 1)
        """,
        {"seed": str(seed), "cut": cut_day, "margin": SETTLED_MARGIN_DAYS},
    )


def _take(con: duckdb.DuckDBPyConnection, rail: str, slot: int, k: int) -> pl.DataFrame:
    return con.execute(
        "select * from _pool where rail = $rail and rnk >= $lo and rnk < $hi order by rnk",
        {"rail": rail, "lo": slot * k, "hi": (slot + 1) * k},
    ).pl()


def _ids(df: pl.DataFrame, col: str = "transaction_id") -> list[str]:
    return df[col].to_list()


def _shorts(con: duckdb.DuckDBPyConnection, table: str, key: str, ids: list[str]) -> dict:
    """What a planted shortfall takes off each row, computed as the update computes it."""
    rows = con.execute(
        f"select {key}, greatest(50, round(amount_thb * 0.05, 2)) from {table} "
        f"where {key} in (select unnest($ids))",
        {"ids": ids},
    ).fetchall()
    return dict(rows)


def _entry(cls: str, rail: str, ref: str, amount: object, order_id: str | None = None) -> dict:
    return {
        "class": cls,
        "rail": rail,
        "ref": ref,
        "amount_thb": f"{float(amount):.2f}",
        "order_id": order_id,
    }


def _plant_gateway(con: duckdb.DuckDBPyConnection, k: int, manifest: list[dict]) -> None:
    fee = "round({g} * 3.650 * 0.01, 2)"
    # missing settlement: the gateway never reported the line
    t = _take(con, "gateway", 0, k)
    con.execute(
        "delete from fct_settlement where transaction_id in (select unnest($ids))", {"ids": _ids(t)}
    )
    manifest += [
        _entry("missing_settlement", "gateway", r["transaction_id"], r["amount_thb"], r["order_id"])
        for r in t.iter_rows(named=True)
    ]
    # late settlement: reported three business days after its expected day, in a later batch
    t = _take(con, "gateway", 1, k)
    con.execute(
        """
        update fct_settlement s set
            settled_on = late.date_day,
            settlement_batch_id = regexp_replace(s.settlement_batch_id, '-\\d{8}-01$', '')
                || '-' || strftime(late.date_day, '%Y%m%d') || '-02'
        from mart_business_day cur, mart_business_day late
        where s.transaction_id in (select unnest($ids))
          and cur.date_day = s.settled_on
          and late.is_business_day and late.business_day_seq = cur.roll_seq + $by
        """,
        {"ids": _ids(t), "by": LATE_BY_BUSINESS_DAYS},
    )
    manifest += [
        _entry("late_settlement", "gateway", r["transaction_id"], r["amount_thb"], r["order_id"])
        for r in t.iter_rows(named=True)
    ]
    # amount mismatch: the gateway settled less than the buyer paid (fee on what it settled)
    t = _take(con, "gateway", 2, k)
    shorts = _shorts(con, "_pool", "transaction_id", _ids(t))
    short = "greatest(50, round(amount_thb * 0.05, 2))"
    con.execute(
        f"""
        update fct_settlement s set
            gross_thb = s.gross_thb - d.short,
            fee_thb = {fee.format(g="(s.gross_thb - d.short)")},
            fee_vat_thb = round({fee.format(g="(s.gross_thb - d.short)")} * 7 * 0.01, 2)
        from (select transaction_id, {short} as short from _pool
              where transaction_id in (select unnest($ids))) d
        where s.transaction_id = d.transaction_id
        """,
        {"ids": _ids(t)},
    )
    con.execute(
        "update fct_settlement set net_thb = gross_thb - fee_thb - fee_vat_thb "
        "where transaction_id in (select unnest($ids))",
        {"ids": _ids(t)},
    )
    manifest += [
        _entry(
            "amount_mismatch",
            "gateway",
            r["transaction_id"],
            shorts[r["transaction_id"]],
            r["order_id"],
        )
        for r in t.iter_rows(named=True)
    ]
    # fee variance: half at a rate off the contract, half with VAT that is not 7 % of the fee
    t = _take(con, "gateway", 3, k)
    rate_ids, vat_ids = _ids(t)[: (k + 1) // 2], _ids(t)[(k + 1) // 2 :]
    con.execute(
        "update fct_settlement set fee_thb = round(gross_thb * 3.950 * 0.01, 2), "
        "fee_vat_thb = round(round(gross_thb * 3.950 * 0.01, 2) * 7 * 0.01, 2) "
        "where transaction_id in (select unnest($ids))",
        {"ids": rate_ids},
    )
    con.execute(
        "update fct_settlement set fee_vat_thb = round(fee_thb * 10 * 0.01, 2) "
        "where transaction_id in (select unnest($ids))",
        {"ids": vat_ids},
    )
    con.execute(
        "update fct_settlement set net_thb = gross_thb - fee_thb - fee_vat_thb "
        "where transaction_id in (select unnest($ids))",
        {"ids": _ids(t)},
    )
    for tid, variance in con.execute(
        f"""
        select transaction_id,
            abs(fee_thb + fee_vat_thb - {fee.format(g="gross_thb")}
                - round({fee.format(g="gross_thb")} * 7 * 0.01, 2))
        from fct_settlement where transaction_id in (select unnest($ids))
        """,
        {"ids": _ids(t)},
    ).fetchall():
        order = t.filter(pl.col("transaction_id") == tid)["order_id"][0]
        manifest.append(_entry("fee_variance", "gateway", tid, variance, order))
    # duplicate payment: charged twice at the gateway, both settled
    t = _take(con, "gateway", 4, k)
    con.execute(
        """
        insert into fct_payment
        select 'TXD' || substr(transaction_id, 3), order_id, gateway, channel, txn_type, status,
            failure_reason, created_at + interval 4 minute, paid_at + interval 4 minute,
            amount_thb, currency
        from fct_payment where transaction_id in (select unnest($ids))
        """,
        {"ids": _ids(t)},
    )
    con.execute(
        """
        insert into fct_settlement by name
        select * replace ('TXD' || substr(transaction_id, 3) as transaction_id,
                          paid_at + interval 4 minute as paid_at,
                          created_at + interval 4 minute as created_at)
        from fct_settlement where transaction_id in (select unnest($ids))
        """,
        {"ids": _ids(t)},
    )
    manifest += [
        _entry("duplicate_payment", "gateway", r["order_id"], r["amount_thb"], r["order_id"])
        for r in t.iter_rows(named=True)
    ]
    # duplicate across rails: paid by QR or card, then again at a post-office counter
    t = _take(con, "gateway", 5, k)
    con.execute(
        """
        insert into fct_counter_payment
        select '004', 'BPD' || substr(p.transaction_id, 3), p.paid_at + interval 3 hour,
            p.order_id, o.seller_id, null, null, 'counter', p.amount_thb,
            cast(p.paid_at + interval 3 hour as date), 'demo:counter'
        from fct_payment p join fct_order o using (order_id)
        where p.transaction_id in (select unnest($ids))
        """,
        {"ids": _ids(t)},
    )
    manifest += [
        _entry("duplicate_payment", "counter", r["order_id"], r["amount_thb"], r["order_id"])
        for r in t.iter_rows(named=True)
    ]
    # orphan settlement: a line for a transaction the gateway's log does not have
    t = _take(con, "gateway", 6, k)
    con.execute(
        """
        insert into fct_settlement by name
        select * replace ('TXO' || substr(transaction_id, 3) as transaction_id)
        from fct_settlement where transaction_id in (select unnest($ids))
        """,
        {"ids": _ids(t)},
    )
    manifest += [
        _entry(
            "orphan_settlement",
            "gateway",
            "TXO" + r["transaction_id"][2:],
            r["amount_thb"],
            r["order_id"],
        )
        for r in t.iter_rows(named=True)
    ]


def _plant_refunds(
    con: duckdb.DuckDBPyConnection, cut: dt.date, seed: int, k: int, manifest: list
) -> None:
    """Refunds for orders whose every charge failed: the money went back without coming in."""
    rows = con.execute(
        """
        with failed as (
            select order_id, any_value(gateway) gateway, any_value(channel) channel,
                max(created_at) created_at, any_value(amount_thb) amount_thb
            from fct_payment
            where channel not in ('counter', 'cod')
            group by order_id
            having count(*) filter (where status <> 'failed') = 0
        )
        select * from failed
        where cast(created_at as date) < $cut - to_days($margin)
        order by hash(order_id || $seed) limit $k
        """,
        {"cut": cut, "margin": SETTLED_MARGIN_DAYS, "seed": str(seed), "k": k},
    ).pl()
    ids = rows["order_id"].to_list()
    con.execute(
        """
        insert into fct_payment
        select 'TXR' || substr(order_id, 3), order_id, gateway, channel, 'refund', 'success',
            null, created_at + interval 1 day, created_at + interval 1 day + interval 1 hour,
            amount_thb, 'THB'
        from fct_payment p
        where order_id in (select unnest($ids))
        qualify row_number() over (partition by order_id order by created_at desc) = 1
        """,
        {"ids": ids},
    )
    con.execute(
        """
        insert into fct_settlement by name
        select p.transaction_id, p.gateway, p.order_id as merchant_order_ref, p.txn_type,
            p.channel, p.created_at, p.paid_at, d.date_day as settled_on,
            -p.amount_thb as gross_thb, 0 as fee_thb, 0 as fee_vat_thb,
            -p.amount_thb as net_thb, p.amount_thb as refunded_thb, 'settled' as status,
            'THB' as currency, 'demo:refunds' as source_file,
            c.gateway_code || '-' || strftime(d.date_day, '%Y%m%d') || '-01'
                as settlement_batch_id
        from fct_payment p
        join mart_business_day b on b.date_day = cast(p.paid_at as date)
        join ref_gateway_contract g on g.gateway = p.gateway and g.valid_to_on is null
        join mart_business_day d
            on d.is_business_day and d.business_day_seq = b.roll_seq + g.settlement_lag_days
        join (values ('2C2P', '2C2P'), ('Opn', 'OPN'), ('GB Prime Pay', 'GBP'),
                     ('KBank', 'KBANK'), ('SCB', 'SCB')) c(gateway, gateway_code)
            on c.gateway = p.gateway
        where p.order_id in (select unnest($ids)) and p.txn_type = 'refund'
        """,
        {"ids": ids},
    )
    manifest += [
        _entry(
            "refund_without_charge",
            "gateway",
            "TXR" + r["order_id"][2:],
            r["amount_thb"],
            r["order_id"],
        )
        for r in rows.iter_rows(named=True)
    ]


def _plant_counter(con: duckdb.DuckDBPyConnection, k: int, manifest: list[dict]) -> None:
    # missing: the bank's file never carried the payment
    t = _take(con, "counter", 0, k)
    con.execute(
        "delete from fct_counter_payment where ref1 in (select unnest($ids))",
        {"ids": _ids(t, "order_id")},
    )
    manifest += [
        _entry("missing_settlement", "counter", r["transaction_id"], r["amount_thb"], r["order_id"])
        for r in t.iter_rows(named=True)
    ]
    # amount mismatch: the counter took less than the order's amount
    t = _take(con, "counter", 1, k)
    shorts = _shorts(con, "fct_counter_payment", "ref1", _ids(t, "order_id"))
    con.execute(
        "update fct_counter_payment set amount_thb = amount_thb - greatest(50, "
        "round(amount_thb * 0.05, 2)) where ref1 in (select unnest($ids))",
        {"ids": _ids(t, "order_id")},
    )
    manifest += [
        _entry(
            "amount_mismatch",
            "counter",
            r["transaction_id"],
            shorts[r["order_id"]],
            r["order_id"],
        )
        for r in t.iter_rows(named=True)
    ]
    # orphan: a bill payment whose Ref1 is no order of ours (a typo at the counter)
    t = _take(con, "counter", 2, k)
    con.execute(
        """
        insert into fct_counter_payment
        select bank_code, 'BPO' || substr(bank_ref, 3), paid_at + interval 2 hour,
            'PX' || substr(ref1, 3), ref2, customer_name, counter_branch_code, counter_channel,
            amount_thb, file_on, source_file
        from fct_counter_payment where ref1 in (select unnest($ids))
        """,
        {"ids": _ids(t, "order_id")},
    )
    for bank, ref, amount in con.execute(
        "select bank_code, bank_ref, amount_thb from fct_counter_payment "
        "where bank_ref like 'BPO%' order by bank_ref"
    ).fetchall():
        manifest.append(_entry("orphan_settlement", "counter", f"{bank}:{ref}", amount))


def _plant_cod(
    con: duckdb.DuckDBPyConnection, cut: dt.date, seed: int, k: int, manifest: list
) -> None:
    rows = con.execute(
        """
        select r.tracking_no, r.amount_thb, s.order_id,
            row_number() over (order by hash(r.tracking_no || $seed)) - 1 as rnk
        from fct_cod_remittance r join fct_shipment s using (tracking_no)
        where cast(r.collected_at as date) < $cut - to_days($margin)
        qualify rnk < 2 * $k
        """,
        {"cut": cut, "margin": SETTLED_MARGIN_DAYS, "seed": str(seed), "k": k},
    ).pl()
    gone = rows.filter(pl.col("rnk") < k)
    short = rows.filter(pl.col("rnk") >= k)
    con.execute(
        "delete from fct_cod_remittance where tracking_no in (select unnest($ids))",
        {"ids": _ids(gone, "tracking_no")},
    )
    manifest += [
        _entry("cod_not_remitted", "cod", r["tracking_no"], r["amount_thb"], r["order_id"])
        for r in gone.iter_rows(named=True)
    ]
    shorts = _shorts(con, "fct_cod_remittance", "tracking_no", _ids(short, "tracking_no"))
    con.execute(
        "update fct_cod_remittance set amount_thb = amount_thb - greatest(50, "
        "round(amount_thb * 0.05, 2)) where tracking_no in (select unnest($ids))",
        {"ids": _ids(short, "tracking_no")},
    )
    manifest += [
        _entry(
            "amount_mismatch",
            "cod",
            r["tracking_no"],
            shorts[r["tracking_no"]],
            r["order_id"],
        )
        for r in short.iter_rows(named=True)
    ]


_CREDITS = """
with gateway as (
    select settlement_batch_id as reference, settled_on as value_on,
        sum(net_thb + coalesce(withholding_thb, 0)) as amount_thb,
        'รับโอนเงินจาก ' || any_value(gateway) as description
    from {settlements} group by all
),
counter as (
    select 'BILL-' || c.bank_code || '-' || strftime(cast(c.paid_at as date), '%Y%m%d')
            as reference,
        v.date_day as value_on, sum(c.amount_thb) as amount_thb,
        'ชำระค่าสินค้าผ่านเคาน์เตอร์ ธนาคาร ' || c.bank_code as description
    from {counter} c
    join mart_business_day b on b.date_day = cast(c.paid_at as date)
    join mart_business_day v on v.is_business_day and v.business_day_seq = b.roll_seq + $lag
    group by c.bank_code, cast(c.paid_at as date), v.date_day
),
cod as (
    select deposit_ref as reference, cast(min(remitted_at) as date) as value_on,
        sum(amount_thb) as amount_thb, 'ฝากเงินสด COD ' || any_value(branch_code) as description
    from {remittances} group by deposit_ref
),
all_credits as (
    select * from gateway union all select * from counter union all select * from cod
)
select
    'ST' || upper(substr(md5(reference), 1, 14)) as bank_txn_id,
    '{account}' as account_no, value_on, amount_thb, reference, description,
    'demo:bank_statement' as source_file
from all_credits
where amount_thb > 0
"""


def _credits(
    con: duckdb.DuckDBPyConnection, cut: dt.date, seed: int, k: int, manifest: list
) -> None:
    con.execute(
        "create or replace temp table _credit as "
        + _CREDITS.format(
            settlements="fct_settlement",
            counter="fct_counter_payment",
            remittances="fct_cod_remittance",
            account=PROGRAMME_ACCOUNT,
        ),
        {"lag": COUNTER_LAG_DAYS},
    )
    margin = {"cut": cut, "margin": SETTLED_MARGIN_DAYS, "seed": str(seed), "k": k}
    # unfunded: a gateway batch, a counter day and a COD deposit that never reached the bank
    unfunded = con.execute(
        """
        select reference, amount_thb, rail from (
            select *, case when reference like 'BILL-%' then 'counter'
                           when reference like 'COD-%' then 'cod' else 'gateway' end as rail,
                row_number() over (partition by rail order by hash(reference || $seed)) as rnk
            from _credit where value_on < $cut - to_days($margin)
              and reference not like '%-02'
        ) where rnk <= $k
        """,
        margin,
    ).fetchall()
    con.execute(
        "delete from _credit where reference in (select unnest($refs))",
        {"refs": [r for r, _, _ in unfunded]},
    )
    manifest += [_entry("unfunded_batch", rail, ref, amt) for ref, amt, rail in unfunded]
    # short-funded: the bank credited less than the batch
    short = con.execute(
        """
        select reference, greatest(100, round(amount_thb * 0.01, 2)) from _credit
        where value_on < $cut - to_days($margin) and reference not like 'BILL-%'
          and reference not like 'COD-%' and amount_thb > 200
        order by hash(reference || $seed || 'short') limit $k
        """,
        margin,
    ).fetchall()
    con.execute(
        "update _credit set amount_thb = amount_thb - greatest(100, round(amount_thb * 0.01, 2)) "
        "where reference in (select unnest($refs))",
        {"refs": [r for r, _ in short]},
    )
    manifest += [_entry("amount_mismatch", "gateway", ref, amt) for ref, amt in short]
    # orphan credits: money in with a reference that is no batch, day or deposit of ours,
    # one or a few a day over the year before the margin (the large demo plants thousands:
    # one a day going back would reach 2008) for ฿1,137.25 to ฿28,450
    con.execute(
        """
        insert into _credit
        select 'STX' || lpad(cast(i as varchar), 13, '0'), $account,
            $cut - to_days($margin + 1 + (i - 1) % 365), 1000 + (1 + (i - 1) % 200) * 137.25,
            'TRF' || lpad(cast(i as varchar), 8, '0'),
            'รับโอนเงิน ไม่ระบุผู้โอน', 'demo:bank_statement'
        from range(1, $k + 1) t(i)
        """,
        {"cut": cut, "margin": SETTLED_MARGIN_DAYS, "k": k, "account": PROGRAMME_ACCOUNT},
    )
    for txn, amount in con.execute(
        "select bank_txn_id, amount_thb from _credit where bank_txn_id like 'STX%'"
    ).fetchall():
        manifest.append(_entry("orphan_credit", "bank", txn, amount))
    con.execute(
        "insert into fct_bank_credit select * from _credit where value_on < $cut", {"cut": cut}
    )


def _chargebacks(con: duckdb.DuckDBPyConnection, manifest: list[dict]) -> None:
    for tid, amount, order in con.execute(
        "select transaction_id, amount_thb, order_id from fct_payment "
        "where txn_type = 'chargeback' and status = 'success'"
    ).fetchall():
        manifest.append(_entry("chargeback", "gateway", tid, amount, order))


def _payout_returns(con: duckdb.DuckDBPyConnection, seed: int, k: int) -> None:
    con.execute(
        """
        insert into fct_payout_return
        select payout_id, cast(paid_at as date) + 1, net_thb, bank_code, bank_account_no,
            ['account_closed', 'invalid_account', 'name_mismatch']
                [1 + cast(hash(payout_id) % 3 as integer)],
            'ธนาคารปฏิเสธการโอน', 'demo:payout_returns'
        from fct_payout where status = 'paid'
        order by hash(payout_id || $seed) limit $k
        """,
        {"seed": str(seed), "k": k},
    )


def build(con: duckdb.DuckDBPyConnection, seed: int, cut_day: dt.date, out_dir: Path) -> list[dict]:
    """Derive the rails, plant the problems (one commit) and write the manifest."""
    manifest: list[dict] = []
    con.execute("begin")
    for table in (
        "fct_counter_payment",
        "fct_cod_remittance",
        "fct_bank_credit",
        "fct_payout_return",
    ):
        con.execute(f"delete from {quote_ident(table)}")  # noqa: S608
    k = _k(con)
    _rails(con, cut_day)
    _pool(con, cut_day, seed)
    _plant_gateway(con, k, manifest)
    _plant_refunds(con, cut_day, seed, k, manifest)
    _plant_counter(con, k, manifest)
    _plant_cod(con, cut_day, seed, k, manifest)
    _credits(con, cut_day, seed, k, manifest)
    _chargebacks(con, manifest)
    _payout_returns(con, seed, k)
    con.execute("commit")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MANIFEST_NAME).write_text(
        json.dumps(sorted(manifest, key=lambda e: (e["class"], e["ref"])), indent=1),
        encoding="utf-8",
    )
    return manifest


def read_manifest(out_dir: Path) -> list[dict]:
    return json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))


_TS = "%Y-%m-%d %H:%M:%S"
_STATEMENT_HEADERS = {
    "bank_txn_id": "เลขที่รายการ",
    "account_no": "เลขที่บัญชี",
    "value_on": "วันที่มีผล",
    "amount_thb": "จำนวนเงิน",
    "reference": "เลขที่อ้างอิง",
    "description": "รายละเอียด",
}


def _be_dmy(col: str) -> pl.Expr:
    return pl.format(
        "{}/{}/{}",
        pl.col(col).dt.strftime("%d"),
        pl.col(col).dt.strftime("%m"),
        (pl.col(col).dt.year() + 543).cast(pl.Utf8),
    )


def write_feeds(
    con: duckdb.DuckDBPyConnection,
    day: dt.date,
    out_dir: Path,
    payments: pl.DataFrame,
    settlements: pl.DataFrame,
) -> list[Path]:
    """The held-back ``day`` of the rails as the files their senders send (lake types in)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    ymd = f"{day:%Y%m%d}"
    paths: list[Path] = []
    con.register("_held_pay", payments.to_arrow())
    con.register("_held_settle", settlements.to_arrow())
    try:
        if payments.height:
            path = out_dir / f"gateway_payments_{ymd}.csv"
            payments.rename({"amount_thb": "amount"}).with_columns(
                pl.col("created_at", "paid_at").dt.strftime(_TS)
            ).write_csv(path)
            paths.append(path)
        counter = con.execute(
            """
            select
                ['004', '014', '006'][1 + cast(hash(p.transaction_id) % 3 as integer)]
                    as bank_code,
                'BP' || substr(p.transaction_id, 3) as bank_ref, p.paid_at,
                p.order_id as ref1, o.seller_id as ref2, p.amount_thb
            from _held_pay p left join fct_order o using (order_id)
            where p.channel = 'counter' and p.txn_type = 'charge' and p.status = 'success'
            order by bank_code, p.paid_at
            """
        ).pl()
        for (bank,), rows in counter.group_by(["bank_code"], maintain_order=True):
            text = write_bill_payment(
                [
                    BillPayment(
                        r["paid_at"],
                        r["ref1"],
                        r["ref2"] or "",
                        r["bank_ref"],
                        "",
                        "counter",
                        int(round(float(r["amount_thb"]) * 100)),
                    )
                    for r in rows.iter_rows(named=True)
                ],
                bank_code=bank,
                company_account=PROGRAMME_ACCOUNT,
                company_name="THAILAND POST POSTMART",
                effective_on=day,
            )
            path = out_dir / f"counter_{bank}_{ymd}.txt"
            path.write_bytes(text.encode("cp874"))
            paths.append(path)
        remit = con.execute(
            "select * exclude (source_file) from _cod_remit "
            "where cast(remitted_at as date) = $day order by tracking_no",
            {"day": day},
        ).pl()
        if remit.height:
            path = out_dir / f"cod_remittances_{ymd}.csv"
            remit.rename({"amount_thb": "amount"}).with_columns(
                pl.col("collected_at", "remitted_at").dt.strftime(_TS)
            ).write_csv(path)
            paths.append(path)
        sql = _CREDITS.format(
            settlements="(select * from fct_settlement union all by name "
            "select * from _held_settle)",
            counter="(select * from fct_counter_payment union all by name select "
            "['004', '014', '006'][1 + cast(hash(transaction_id) % 3 as integer)] as bank_code, "
            "paid_at, "
            "amount_thb from _held_pay where channel = 'counter' and txn_type = 'charge' "
            "and status = 'success')",
            remittances="_cod_remit",
            account=PROGRAMME_ACCOUNT,
        )
        credits = con.execute(
            f"select * exclude (source_file) from ({sql}) where value_on = $day order by 1",  # noqa: S608
            {"lag": COUNTER_LAG_DAYS, "day": day},
        ).pl()
        if credits.height:
            path = out_dir / f"statement_{ymd}.csv"
            text = (
                credits.with_columns(
                    _be_dmy("value_on").alias("value_on"),
                    pl.col("amount_thb")
                    .cast(pl.Float64)
                    .map_elements(lambda v: f"{v:,.2f}", return_dtype=pl.Utf8),
                )
                .rename(_STATEMENT_HEADERS)
                .write_csv()
            )
            path.write_bytes(("\ufeff" + text).encode("utf-8"))
            paths.append(path)
        returns = con.execute(
            """
            select payout_id, $day as returned_on, net_thb as amount, bank_code,
                bank_account_no, 'invalid_account' as reason_code,
                'เลขที่บัญชีไม่ถูกต้อง' as reason_text
            from fct_payout
            where status = 'paid' and payout_id not in (select payout_id from fct_payout_return)
            order by paid_at desc limit 1
            """,
            {"day": day},
        ).pl()
        if returns.height:
            path = out_dir / f"payout_returns_{ymd}.csv"
            returns.write_csv(path)
            paths.append(path)
    finally:
        con.unregister("_held_pay")
        con.unregister("_held_settle")
    return paths
