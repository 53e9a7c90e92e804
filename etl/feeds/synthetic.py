"""A fast, deterministic generator of lake-shaped feed rows, for ETL tests and benchmarks.

It draws from the reference geography and branch network (etl.reference) so every row
passes validation; ``write_demo_feeds`` then writes the files and injects the defects.
The full demo (etl.demo) models the programme; this only needs to be valid and quick
at a million orders.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from etl.feeds.checks import BANK_ACCOUNT_LENGTH_12, S10_WEIGHTS
from etl.feeds.specs import CATEGORIES

_START = dt.datetime(2024, 1, 1)
_SPAN_S = 365 * 24 * 3600
_BANKS = ("002", "004", "006", "014", "025", "030", "033", "034")
_TRACK_FLOW = ("103", "201", "211", "206", "301", "501")


def _thai_ids(rng: np.random.Generator, n: int, first: np.ndarray) -> pl.Series:
    body = rng.integers(0, 10, size=(n, 12))
    body[:, 0] = first
    weights = np.arange(13, 1, -1)
    check = (11 - (body * weights).sum(axis=1) % 11) % 10
    digits = np.concatenate([body, check[:, None]], axis=1).astype(np.uint8) + ord("0")
    return pl.Series([bytes(r).decode() for r in digits], dtype=pl.Utf8)


def _s10(rng: np.random.Generator, n: int) -> pl.Series:
    serial = rng.choice(10**8, size=n, replace=False)
    digits = (serial[:, None] // 10 ** np.arange(7, -1, -1)) % 10
    c = 11 - (digits * np.array(S10_WEIGHTS)).sum(axis=1) % 11
    c = np.where(c == 10, 0, np.where(c == 11, 5, c))
    prefix = rng.choice(np.array(["EF", "ED", "RC", "EI", "HA"]), size=n)
    return pl.DataFrame({"p": prefix, "s": serial, "c": c}).select(
        pl.format("{}{}{}TH", "p", pl.col("s").cast(pl.Utf8).str.zfill(8), "c")
    )["p"]


def _ts(rng: np.random.Generator, n: int) -> pl.Series:
    secs = rng.integers(0, _SPAN_S, size=n)
    return pl.Series(
        np.datetime64(_START, "us") + secs.astype("timedelta64[s]"), dtype=pl.Datetime("us")
    )


def sellers(ref: dict[str, pl.DataFrame], n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng([seed, 1])
    sub = ref["dim_subdistrict"].sample(n, with_replacement=True, seed=seed)
    return pl.DataFrame(
        {
            "seller_id": [f"S{i:06d}" for i in range(n)],
            "seller_type": "community_enterprise",
            "name_th": [f"วิสาหกิจชุมชน {i}" for i in range(n)],
            "name_en": [f"Community enterprise {i}" for i in range(n)],
            "national_id": _thai_ids(rng, n, rng.integers(1, 9, n)),
            "province_code": sub["province_code"],
            "district_code": sub["district_code"],
            "subdistrict_code": sub["subdistrict_code"],
            "postal_code": sub["postal_code"],
            "status": "active",
        }
    )


def frames(
    ref: dict[str, pl.DataFrame], n_orders: int, seed: int = 1, n_sellers: int = 500
) -> dict[str, pl.DataFrame]:
    """Lake-shaped frames: dim_seller, dim_listing, seller_application, fct_order,
    fct_order_item, fct_settlement, fct_payout, fct_tracking_event."""
    rng = np.random.default_rng([seed, 2])
    seller = sellers(ref, n_sellers, seed)
    n_listings = n_sellers * 2
    listing = pl.DataFrame(
        {
            "listing_id": [f"L{i:07d}" for i in range(n_listings)],
            "seller_id": seller["seller_id"].gather(rng.integers(0, n_sellers, n_listings)),
            "category_code": rng.choice(np.array(CATEGORIES), n_listings),
            "title_th": [f"สินค้า {i}" for i in range(n_listings)],
            "title_en": [f"Product {i}" for i in range(n_listings)],
            "price_thb": np.round(rng.uniform(20, 900, n_listings), 2),
            "weight_kg": np.round(rng.uniform(0.1, 5, n_listings), 2),
            "is_perishable": rng.random(n_listings) < 0.2,
            "temperature_class": "ambient",
            "has_photo": True,
            "status": "approved",
            "created_at": _ts(rng, n_listings),
            "updated_at": _ts(rng, n_listings),
        }
    ).with_columns(pl.col("price_thb").cast(pl.Decimal(12, 2)))

    sub = ref["dim_subdistrict"].sample(n_orders, with_replacement=True, seed=seed)
    sub_total = np.round(rng.uniform(50, 3000, n_orders), 2)
    ship = np.round(rng.choice([0, 35, 50, 65], n_orders).astype(float), 2)
    ordered = _ts(rng, n_orders)
    order = pl.DataFrame(
        {
            "order_id": pl.Series(np.arange(n_orders)).cast(pl.Utf8).str.zfill(9),
            "seller_id": seller["seller_id"].gather(rng.integers(0, n_sellers, n_orders)),
            "buyer_subdistrict_code": sub["subdistrict_code"],
            "buyer_postal_code": sub["postal_code"],
            "buyer_province_code": sub["province_code"],
            "ordered_at": ordered,
            "status": rng.choice(
                np.array(["paid", "shipped", "delivered", "cancelled"]),
                n_orders,
                p=[0.1, 0.2, 0.65, 0.05],
            ),
            "payment_channel": rng.choice(np.array(["promptpay", "card", "cod"]), n_orders),
            "service_code": rng.choice(np.array(["EMS", "REG", "PCL"]), n_orders),
            "count_items": rng.integers(1, 4, n_orders).astype(np.int32),
            "subtotal_thb": sub_total,
            "shipping_fee_thb": ship,
            "discount_thb": 0.0,
            "total_thb": np.round(sub_total + ship, 2),
            "currency": "THB",
            "updated_at": ordered,
        }
    ).with_columns(
        ("ORD-" + pl.col("order_id")).alias("order_id"),
        pl.col("^.*_thb$").cast(pl.Decimal(14, 2)),
    )
    line = (
        order.select("order_id", "count_items")
        .with_columns(pl.int_ranges(1, pl.col("count_items") + 1).alias("line_no"))
        .explode("line_no", empty_as_null=True)
    )
    qty = rng.integers(1, 4, line.height)
    price = np.round(rng.uniform(20, 900, line.height), 2)
    item = pl.DataFrame(
        {
            "order_id": line["order_id"],
            "line_no": line["line_no"].cast(pl.Int32),
            "listing_id": listing["listing_id"].gather(rng.integers(0, n_listings, line.height)),
            "quantity": qty.astype(np.int32),
            "unit_price_thb": price,
            "amount_thb": np.round(qty * price, 2),
        }
    ).with_columns(
        pl.col("unit_price_thb").cast(pl.Decimal(12, 2)),
        pl.col("amount_thb").cast(pl.Decimal(14, 2)),
    )

    paid = order.filter(pl.col("status") != "cancelled")
    gross = paid["total_thb"].cast(pl.Float64).to_numpy()
    fee = np.round(gross * 0.0365, 2)
    vat = np.round(fee * 0.07, 2)
    settlement = pl.DataFrame(
        {
            "transaction_id": [f"T{i:010d}" for i in range(paid.height)],
            "settlement_batch_id": paid["ordered_at"].dt.strftime("B%Y%m%d"),
            "gateway": "2c2p",
            "merchant_order_ref": paid["order_id"],
            "txn_type": "charge",
            "channel": paid["payment_channel"],
            "created_at": paid["ordered_at"],
            "paid_at": paid["ordered_at"],
            "settled_on": (paid["ordered_at"] + dt.timedelta(days=1)).dt.date(),
            "gross_thb": gross,
            "fee_thb": fee,
            "fee_vat_thb": vat,
            "net_thb": np.round(gross - fee - vat, 2),
            "refunded_thb": 0.0,
            "status": "settled",
            "currency": "THB",
        }
    ).with_columns(pl.col("^.*_thb$").cast(pl.Decimal(14, 2)))

    banks = rng.choice(np.array(_BANKS), n_sellers)
    lengths = np.where(np.isin(banks, BANK_ACCOUNT_LENGTH_12), 12, 10)
    accounts = [
        str(v).zfill(int(k))[-int(k) :]
        for v, k in zip(rng.integers(0, 10**12, n_sellers), lengths, strict=True)
    ]
    payout = (
        pl.DataFrame(
            {
                "payout_id": [f"P{i:07d}" for i in range(n_sellers)],
                "seller_id": seller["seller_id"],
                "period_start_on": dt.date(2024, 6, 1),
                "period_end_on": dt.date(2024, 6, 30),
                "scheduled_on": dt.date(2024, 7, 5),
                "paid_at": dt.datetime(2024, 7, 5, 10, 0),
                "count_orders": rng.integers(1, 50, n_sellers).astype(np.int32),
                "gross_thb": np.round(rng.uniform(500, 50000, n_sellers), 2),
                "fee_thb": 0.0,
                "transfer_fee_thb": 30.0,
                "bank_code": banks,
                "bank_account_no": accounts,
                "status": "paid",
            }
        )
        .with_columns(
            (pl.col("gross_thb") - 30).alias("net_thb"),
        )
        .with_columns(pl.col("^.*_thb$").cast(pl.Decimal(14, 2)))
    )

    shipped = order.filter(pl.col("status").is_in(["shipped", "delivered"]))
    n_ship = shipped.height
    steps = len(_TRACK_FLOW)
    tracking = _s10(rng, n_ship)
    branches = ref["dim_branch"]
    br = branches.gather(rng.integers(0, branches.height, n_ship * steps))
    offsets = np.cumsum(rng.integers(1800, 86400, (n_ship, steps)), axis=1).ravel()
    base = shipped["ordered_at"].to_numpy().repeat(steps)
    event = pl.DataFrame(
        {
            "tracking_no": tracking.to_numpy().repeat(steps),
            "status_code": np.tile(np.array(_TRACK_FLOW), n_ship),
            "status_description": None,
            "event_at": base + offsets.astype("timedelta64[s]"),
            "location": br["name_th"],
            "postcode": br["postal_code"],
            "branch_code": br["branch_code"],
            "delivery_status": None,
            "receiver_name": None,
            "source": "demo",
        },
        schema_overrides={
            "status_description": pl.Utf8,
            "delivery_status": pl.Utf8,
            "receiver_name": pl.Utf8,
        },
    ).with_columns(pl.col("event_at").cast(pl.Datetime("us")))

    n_app = max(10, n_sellers // 2)
    app_sub = ref["dim_subdistrict"].sample(n_app, with_replacement=True, seed=seed + 7)
    app_banks = rng.choice(np.array(_BANKS), n_app)
    app_len = np.where(np.isin(app_banks, BANK_ACCOUNT_LENGTH_12), 12, 10)
    application = pl.DataFrame(
        {
            "application_id": [f"APP-{i:06d}" for i in range(n_app)],
            "seller_type": rng.choice(np.array(["community_enterprise", "individual"]), n_app),
            "name_th": [f"กลุ่มแม่บ้าน {i}" for i in range(n_app)],
            "name_en": [f"Housewife group {i}" for i in range(n_app)],
            "national_id": _thai_ids(rng, n_app, rng.integers(1, 9, n_app)),
            "juristic_id": _thai_ids(rng, n_app, np.zeros(n_app, dtype=int)),
            "count_members": rng.integers(7, 40, n_app).astype(np.int32),
            "is_low_income": rng.random(n_app) < 0.4,
            "province_code": app_sub["province_code"],
            "district_code": app_sub["district_code"],
            "subdistrict_code": app_sub["subdistrict_code"],
            "postal_code": app_sub["postal_code"],
            "phone": [f"08{v:08d}" for v in rng.integers(0, 10**8, n_app)],
            "bank_code": app_banks,
            "bank_account_no": [
                str(v).zfill(int(k))[-int(k) :]
                for v, k in zip(rng.integers(0, 10**12, n_app), app_len, strict=True)
            ],
            "status": "submitted",
            "submitted_at": _ts(rng, n_app),
        }
    ).with_columns(pl.col("submitted_at").alias("updated_at"))
    return {
        "dim_seller": seller,
        "dim_listing": listing,
        "seller_application": application,
        "fct_order": order,
        "fct_order_item": item,
        "fct_settlement": settlement,
        "fct_payout": payout,
        "fct_tracking_event": event,
    }
