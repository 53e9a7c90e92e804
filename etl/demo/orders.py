"""Orders, order items and payments of one chunk (a month) of days.

Everything is drawn as whole-column numpy operations; an order's story (payment attempts,
shipment, refund) is a set of event times, and the row values are read off those times as of
a cut-off moment, so the same order can be shown as of the lake's last day or as of "now".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from etl.demo import calendar, centres, vocab
from etl.demo.common import DAY_S, HOUR_S, choice, rng_for
from etl.demo.world import World
from warehouse.vocab import PAYMENT_CHANNELS

NEVER = np.iinfo(np.int64).max
SERVICES = ("EMS", "REG", "PCL", "LGP", "LGP_PLUS")
SERVICE_WEIGHTS = (0.36, 0.06, 0.34, 0.16, 0.08)
# Shipping fee in satang: (base, per started kg)
SHIPPING_FEE = {
    "EMS": (4000, 1500),
    "REG": (3000, 1000),
    "PCL": (3500, 1000),
    "LGP": (3000, 800),
    "LGP_PLUS": (4500, 1200),
    "COLD": (12000, 2500),
}
FREE_SHIPPING_FROM = 50_000  # satang: sellers often ship free above 500 THB
CHANNELS = PAYMENT_CHANNELS
CHANNEL_WEIGHTS = (0.38, 0.12, 0.18, 0.05, 0.11, 0.16)
GATEWAYS = ("2C2P", "Opn", "GB Prime Pay", "KBank", "SCB")
CHANNEL_GATEWAYS = {  # the gateways that offer a channel, with their shares
    "promptpay": (0.25, 0.15, 0.2, 0.2, 0.2),
    "card": (0.4, 0.3, 0.15, 0.15, 0.0),
    "mobile_banking": (0.3, 0.0, 0.0, 0.35, 0.35),
    "counter": (0.6, 0.0, 0.4, 0.0, 0.0),
    "ewallet": (0.55, 0.45, 0.0, 0.0, 0.0),
}
COD_GATEWAY = "Thailand Post COD"
FIRST_ATTEMPT_FAILURE = {
    "promptpay": 0.05,
    "card": 0.12,
    "mobile_banking": 0.07,
    "counter": 0.14,
    "ewallet": 0.06,
}
RETRY_SUCCESS = 0.6
SELLER_CANCEL = 0.012  # paid orders a seller cannot fulfil; refunded in full
COMPLAINT_REFUND = 0.01  # delivered orders refunded after a complaint
CHARGEBACK = 0.012  # of card orders delivered
UNPAID_GRACE_S = DAY_S  # unpaid orders are cancelled after a day
TXN_KINDS = 5  # transaction slots per order: attempt 1, attempt 2, refund/chargeback, cod


@dataclass
class OrderChunk:
    n: int
    index: np.ndarray  # global order number
    order_id: pl.Series
    seller: np.ndarray
    place: np.ndarray
    ordered_s: np.ndarray
    channel: np.ndarray
    service: np.ndarray
    count_items: np.ndarray
    subtotal: np.ndarray
    shipping: np.ndarray
    discount: np.ndarray
    total: np.ndarray
    weight_kg: np.ndarray
    cold: np.ndarray  # 0/1/2
    items: pl.DataFrame
    # payment story
    gateway: np.ndarray
    att1_created: np.ndarray
    att1_ok: np.ndarray
    att1_reason: np.ndarray
    att2_created: np.ndarray  # NEVER when no retry
    paid_s: np.ndarray  # success time of the charge, NEVER when none
    cancel_refund_s: np.ndarray


def order_ids(index: np.ndarray) -> pl.Series:
    return "PM" + pl.Series(index).cast(pl.Utf8).str.zfill(9)


def make_orders(
    w: World, days: np.ndarray, counts: np.ndarray, first_index: int, part: int
) -> OrderChunk:
    rng = rng_for(w.seed, "orders", part)
    n = int(counts.sum())
    day = np.repeat(days, counts)
    hour = rng.choice(24, size=n, p=calendar.HOUR_WEIGHTS / calendar.HOUR_WEIGHTS.sum())
    ordered = np.sort(day * DAY_S + hour * HOUR_S + rng.integers(0, HOUR_S, n))
    day = ordered // DAY_S
    month, _, _ = calendar.day_parts(days[:1])

    # What sells: popular listings of sellers already on the platform; fruit only in season.
    chunk_start = int(days[0]) * DAY_S
    wl = np.where(w.listing_orderable_from <= chunk_start, w.listing_popularity, 0.0)
    mask = w.listing_season_mask
    in_season = (mask >> (int(month[0]) - 1)) & 1
    wl = wl * np.where(mask == 0, 1.0, np.where(in_season == 1, 4.0, 0.03))
    if wl.sum() == 0:  # the very first days: fall back to listings that exist by the end
        wl = np.where(w.listing_orderable_from < NEVER, w.listing_popularity, 0.0)
    if w.seller_lift_from is not None:  # impact: the planted digital-centre effect
        lifted = w.seller_lift_from[w.listing_seller] <= int(days[0])
        wl = wl * np.where(lifted, 1.0 + centres.LIFT, 1.0)
    first = rng.choice(len(wl), size=n, p=wl / wl.sum())
    seller = w.listing_seller[first]

    # More lines come from the same seller's other listings (a cart is per seller).
    want = choice(rng, (1, 2, 3, 4), (0.62, 0.24, 0.09, 0.05), n)
    n_items = np.minimum(want, w.seller_listing_count[seller])
    line_order = np.repeat(np.arange(n), n_items)
    offsets = np.cumsum(n_items) - n_items
    line_no = np.arange(len(line_order)) - offsets[line_order]
    start = w.seller_listing_start[seller][line_order]
    pos = (first[line_order] - start + line_no) % w.seller_listing_count[seller][line_order]
    listing = start + pos
    qty = choice(rng, (1, 2, 3, 5), (0.72, 0.18, 0.07, 0.03), len(listing))
    price = w.listing_price[listing]
    amount = qty * price
    subtotal = np.bincount(line_order, amount, minlength=n).astype(np.int64)
    weight = np.bincount(line_order, qty * w.listing_weight[listing], minlength=n) + 0.15
    cold = np.zeros(n, dtype=np.int64)
    np.maximum.at(cold, line_order, w.listing_cold[listing])

    service = np.where(cold > 0, "COLD", choice(rng, SERVICES, SERVICE_WEIGHTS, n))
    base = np.array([SHIPPING_FEE[s][0] for s in service])
    per_kg = np.array([SHIPPING_FEE[s][1] for s in service])
    shipping = base + per_kg * np.ceil(weight).astype(np.int64)
    shipping = np.where((subtotal >= FREE_SHIPPING_FROM) & (rng.random(n) < 0.5), 0, shipping)
    sale = calendar.is_mega_sale(day)
    discounted = rng.random(n) < np.where(sale, 0.6, 0.15)
    discount = np.where(
        discounted, np.round(subtotal * rng.uniform(0.05, 0.15, n) / 100).astype(np.int64) * 100, 0
    )
    total = subtotal + shipping - discount

    place = rng.choice(len(w.place_weight), size=n, p=w.place_weight)
    channel = choice(rng, CHANNELS, CHANNEL_WEIGHTS, n)
    index = first_index + np.arange(n)
    items = pl.DataFrame(
        {
            "order_id": order_ids(index[line_order]),
            "line_no": (line_no + 1).astype(np.int32),
            "listing_id": w.listing_id[listing],
            "quantity": qty.astype(np.int32),
            "unit_price_satang": price,
            "amount_satang": amount,
        }
    )
    chunk = OrderChunk(
        n=n,
        index=index,
        order_id=order_ids(index),
        seller=seller,
        place=place,
        ordered_s=ordered,
        channel=channel,
        service=service,
        count_items=n_items,
        subtotal=subtotal,
        shipping=shipping,
        discount=discount,
        total=total,
        weight_kg=np.round(weight, 2),
        cold=cold,
        items=items,
        gateway=np.empty(0),
        att1_created=np.empty(0),
        att1_ok=np.empty(0),
        att1_reason=np.empty(0),
        att2_created=np.empty(0),
        paid_s=np.empty(0),
        cancel_refund_s=np.empty(0),
    )
    _pay(rng, chunk)
    return chunk


def _pay(rng: np.random.Generator, o: OrderChunk) -> None:
    """Charge attempts: who pays when, who fails and why, who retries."""
    n = o.n
    gateway = np.full(n, COD_GATEWAY, dtype=object)
    for ch, shares in CHANNEL_GATEWAYS.items():
        m = o.channel == ch
        gateway[m] = choice(rng, GATEWAYS, shares, int(m.sum()))
    cod = o.channel == "cod"
    fail_p = np.array([FIRST_ATTEMPT_FAILURE.get(c, 0.0) for c in o.channel])
    att1 = o.ordered_s + rng.integers(20, 300, n)
    ok1 = ~cod & (rng.random(n) >= fail_p)
    reason = np.full(n, None, dtype=object)
    for ch, reasons in vocab.FAILURE_REASONS.items():
        m = (o.channel == ch) & ~ok1 & ~cod
        reason[m] = np.array(reasons)[rng.integers(0, len(reasons), int(m.sum()))]
    retry = ~cod & ~ok1 & (rng.random(n) < RETRY_SUCCESS)
    att2 = np.where(retry, att1 + rng.integers(120, 1800, n), NEVER)
    # Counter payments are made at a shop within a day or two; the others in seconds.
    delay = np.where(
        o.channel == "counter", rng.integers(2 * HOUR_S, 40 * HOUR_S, n), rng.integers(5, 240, n)
    )
    paid = np.where(ok1, att1 + delay, np.where(retry, att2 + delay, NEVER))
    cancelled = (paid < NEVER) & (rng.random(n) < SELLER_CANCEL)
    o.gateway = gateway
    o.att1_created = att1
    o.att1_ok = ok1
    o.att1_reason = reason
    o.att2_created = att2
    o.paid_s = paid
    o.cancel_refund_s = np.where(cancelled, paid + rng.integers(4 * HOUR_S, 2 * DAY_S, n), NEVER)


@dataclass
class AfterShipping:
    """Times from the shipment that move the order and its money (NEVER when none)."""

    accepted_s: np.ndarray
    delivered_s: np.ndarray
    returned_s: np.ndarray  # first 203
    cod_paid_s: np.ndarray  # 901
    settled_home_s: np.ndarray  # return leg back at origin


def after_sales(w: World, o: OrderChunk, s: AfterShipping, part: int) -> dict[str, np.ndarray]:
    """Refunds and chargebacks that follow delivery or return."""
    rng = rng_for(w.seed, "payments", part)
    n = o.n
    prepaid = o.channel != "cod"
    complaint = prepaid & (s.delivered_s < NEVER) & (rng.random(n) < COMPLAINT_REFUND)
    complaint_s = np.where(complaint, s.delivered_s + rng.integers(DAY_S, 6 * DAY_S, n), NEVER)
    share = np.where(rng.random(n) < 0.6, 1.0, rng.uniform(0.3, 0.9, n))
    complaint_amt = np.round(o.total * share).astype(np.int64)
    return_refund_s = np.where(
        prepaid & (s.returned_s < NEVER), s.returned_s + rng.integers(DAY_S, 4 * DAY_S, n), NEVER
    )
    card_ok = (o.channel == "card") & (s.delivered_s < NEVER) & ~complaint
    chargeback_s = np.where(
        card_ok & (rng.random(n) < CHARGEBACK),
        s.delivered_s + rng.integers(20 * DAY_S, 60 * DAY_S, n),
        NEVER,
    )
    refund_s = np.minimum(np.minimum(o.cancel_refund_s, return_refund_s), complaint_s)
    refund_amt = np.where(
        complaint_s < np.minimum(o.cancel_refund_s, return_refund_s), complaint_amt, o.total
    )
    return {"refund_s": refund_s, "refund_amt": refund_amt, "chargeback_s": chargeback_s}


def order_cut(w: World, o: OrderChunk) -> np.ndarray:
    """The moment each order is shown as of: the lake's last moment, or now for held-back ones."""
    return np.where(o.ordered_s < w.lake_cut_s, w.lake_cut_s, w.cutoff_s)


def order_frame(
    w: World, o: OrderChunk, s: AfterShipping, money: dict[str, np.ndarray]
) -> pl.DataFrame:
    cut = order_cut(w, o)
    cod = o.channel == "cod"
    unpaid_final = (o.paid_s == NEVER) & ~cod
    last_try = np.where(o.att2_created < NEVER, o.att2_created, o.att1_created)
    full_refund = (money["refund_s"] < cut) & (money["refund_amt"] >= o.total)
    conds = [
        s.returned_s < cut,
        full_refund,
        s.delivered_s < cut,
        s.accepted_s < cut,
        (o.paid_s < cut) | (cod & (o.ordered_s < cut)),
        unpaid_final & (last_try + UNPAID_GRACE_S < cut),
    ]
    status = np.select(
        conds,
        ["returned", "refunded", "delivered", "shipped", "paid", "cancelled"],
        "pending_payment",
    )
    times = [
        s.returned_s,
        money["refund_s"],
        s.delivered_s,
        s.accepted_s,
        np.where(cod, o.ordered_s, o.paid_s),
        last_try + UNPAID_GRACE_S,
    ]
    updated = o.ordered_s.copy()
    for t in times:
        updated = np.where((t < cut) & (t > updated), t, updated)
    return pl.DataFrame(
        {
            "order_id": o.order_id,
            "seller_id": w.seller_id[o.seller],
            "buyer_subdistrict_code": w.place_subdistrict[o.place],
            "buyer_postal_code": w.place_postal[o.place],
            "buyer_province_code": w.place_province[o.place],
            "ordered_at": o.ordered_s,
            "status": status,
            "payment_channel": o.channel,
            "service_code": o.service,
            "count_items": o.count_items.astype(np.int32),
            "subtotal_thb": o.subtotal,
            "shipping_fee_thb": o.shipping,
            "discount_thb": o.discount,
            "total_thb": o.total,
            "currency": "THB",
            "updated_at": updated,
        }
    )


def payment_frame(
    w: World, o: OrderChunk, s: AfterShipping, money: dict[str, np.ndarray]
) -> pl.DataFrame:
    """fct_payment rows as of each order's cut; rows created after it do not exist yet."""
    cut = order_cut(w, o)
    cod = o.channel == "cod"
    base = o.index * TXN_KINDS
    att1_paid = np.where(o.att1_ok, o.paid_s, NEVER)
    chargeback = money["chargeback_s"] < NEVER
    cod_done = s.cod_paid_s < NEVER
    cod_failed = cod & (s.returned_s < NEVER)
    parts = [
        # kind, mask, created, paid, type, reason, amount
        (
            0,
            ~cod,
            o.att1_created,
            att1_paid,
            "charge",
            np.where(o.att1_ok, None, o.att1_reason),
            o.total,
        ),
        (1, o.att2_created < NEVER, o.att2_created, o.paid_s, "charge", None, o.total),
        (
            2,
            money["refund_s"] < NEVER,
            money["refund_s"],
            money["refund_s"] + HOUR_S,
            "refund",
            None,
            money["refund_amt"],
        ),
        (
            3,
            chargeback,
            money["chargeback_s"],
            money["chargeback_s"] + 2 * HOUR_S,
            "chargeback",
            None,
            o.total,
        ),
        (4, cod & (s.delivered_s < NEVER), s.delivered_s, s.cod_paid_s, "cod", None, o.total),
        (
            4,
            cod_failed & ~cod_done,
            s.returned_s,
            np.full(o.n, NEVER),
            "cod",
            "refused_by_recipient",
            o.total,
        ),
    ]
    frames = []
    for kind, mask, created, paid, txn_type, reason, amount in parts:
        m = mask & (created < cut)
        if not m.any():
            continue
        reason_col = np.broadcast_to(np.asarray(reason, dtype=object), (o.n,))[m]
        paid_m = paid[m]
        failed = reason_col != None  # noqa: E711 (object array comparison, element-wise)
        is_paid = (paid_m < cut[m]) & ~failed
        frames.append(
            pl.DataFrame(
                {
                    "transaction_id": "TX" + pl.Series(base[m] + kind).cast(pl.Utf8).str.zfill(11),
                    "order_id": o.order_id.filter(pl.Series(m)),
                    "gateway": o.gateway[m].astype(str),
                    "channel": o.channel[m],
                    "txn_type": txn_type,
                    "status": np.where(failed, "failed", np.where(is_paid, "success", "pending")),
                    "failure_reason": pl.Series(reason_col.tolist(), dtype=pl.Utf8),
                    "created_at": created[m],
                    "paid_at": pl.Series(np.where(is_paid, paid_m, -1)),
                    "amount_thb": amount[m],
                    "currency": "THB",
                }
            )
        )
    out = pl.concat(frames)
    return out.with_columns(paid_at=pl.when(pl.col("paid_at") >= 0).then(pl.col("paid_at")))
