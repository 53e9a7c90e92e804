"""A small hand-built lake whose every figure is known by heart (the home page tests)."""

from __future__ import annotations

import datetime as dt

from tests.ops_db import MakeUser
from warehouse.lake import connect_writer
from warehouse.logistics_marts import write_timing
from warehouse.settings import Settings

__all__ = ["AS_OF", "MakeUser", "build_small_lake"]

AS_OF = dt.datetime(2025, 6, 30, 12, 0)


def _d(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s)


SELLERS = [
    # seller_id, province, low income, status
    ("S1", "82", True, "active"),
    ("S2", "82", False, "active"),
    ("S3", "83", True, "active"),
    ("S4", "10", False, "active"),
    ("S5", "82", True, "suspended"),
]
ORDERS = [
    # order_id, seller, ordered_at, status, subtotal
    ("O1", "S1", "2025-06-30 12:00", "paid", 100),
    ("O2", "S2", "2025-06-20 09:00", "delivered", 300),
    ("O3", "S3", "2025-06-15 10:00", "shipped", 50),
    ("O4", "S4", "2025-06-10 11:00", "paid", 1000),
    ("O5", "S1", "2025-06-05 08:00", "cancelled", 999),
    ("O6", "S1", "2025-05-25 08:00", "delivered", 40),
    ("O7", "S2", "2025-05-31 12:00", "delivered", 70),  # exactly 30 days before: outside
]
APPLICATIONS = [
    ("A1", "82", "submitted"),
    ("A2", "82", "in_review"),
    ("A3", "82", "approved"),
    ("A4", "83", "resubmitted"),
    ("A5", "82", "needs_information"),
]
BRANCHES = [("B1", "PR06"), ("B2", "PR06"), ("B3", "PR08")]
HOLIDAYS = {dt.date(2025, 6, 3)}
SHIPMENTS = [
    # tracking, origin, accepted, standard days, delivered, out for delivery, failed, returned
    ("T1", "B1", "2025-06-02 10:00", 2, "2025-06-05 15:00", True, 0, False),
    ("T2", "B1", "2025-06-06 10:00", 1, "2025-06-09 15:00", True, 1, False),
    ("T3", "B2", "2025-06-28 10:00", 3, None, False, 0, False),
    ("T4", "B2", "2025-06-10 10:00", 2, None, True, 2, True),
    ("T5", "B3", "2025-06-15 10:00", 2, "2025-06-16 15:00", True, 0, False),
    ("T6", "B1", "2025-05-20 10:00", 2, "2025-05-21 15:00", True, 0, False),
]
PAYMENTS = [
    ("P1", "charge", "success", "2025-06-20 10:00"),
    ("P2", "charge", "failed", "2025-06-21 10:00"),
    ("P3", "charge", "success", "2025-06-22 10:00"),
    ("P4", "charge", "pending", "2025-06-23 10:00"),
    ("P5", "refund", "success", "2025-06-24 10:00"),
    ("P6", "chargeback", "success", "2025-06-25 10:00"),
    ("P7", "charge", "failed", "2025-05-01 10:00"),
]
SETTLEMENTS = [("X1", "2025-06-15", 500), ("X2", "2025-06-30", 200), ("X3", "2025-05-31", 999)]
PAYOUTS = [("Y1", "held", 100), ("Y2", "held", 250), ("Y3", "paid", 400)]


def build_small_lake(settings: Settings) -> None:
    with connect_writer(settings) as con:
        con.executemany(
            "insert into dim_seller (seller_id, province_code, is_low_income, status) "
            "values (?, ?, ?, ?)",
            SELLERS,
        )
        con.executemany(
            "insert into fct_order (order_id, seller_id, ordered_at, status, subtotal_thb, "
            "total_thb) values (?, ?, ?, ?, ?, ?)",
            [(o, s, _d(at), st, v, v + 50) for o, s, at, st, v in ORDERS],
        )
        con.executemany(
            "insert into seller_application (application_id, province_code, status) "
            "values (?, ?, ?)",
            APPLICATIONS,
        )
        con.executemany(
            "insert into dim_branch (branch_code, postal_region_code) values (?, ?)", BRANCHES
        )
        day, days = dt.date(2025, 4, 1), []
        while day <= dt.date(2025, 8, 31):
            working = day.isoweekday() != 7 and day not in HOLIDAYS
            days.append((day, working))
            day += dt.timedelta(days=1)
        con.executemany("insert into dim_date (date_day, is_working_day) values (?, ?)", days)
        con.executemany(
            "insert into fct_shipment (tracking_no, origin_branch_code, accepted_at, "
            "standard_days, delivered_at, first_out_for_delivery_at, count_failed_attempts, "
            "is_returned) values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (t, b, _d(a), sd, _d(d) if d else None, _d(a) if ofd else None, f, r)
                for t, b, a, sd, d, ofd, f, r in SHIPMENTS
            ],
        )
        con.executemany(
            "insert into fct_payment (transaction_id, txn_type, status, created_at, amount_thb) "
            "values (?, ?, ?, ?, 100)",
            [(p, t, s, _d(at)) for p, t, s, at in PAYMENTS],
        )
        con.executemany(
            "insert into fct_settlement (transaction_id, settlement_batch_id, settled_on, "
            "net_thb) values (?, 'batch', ?, ?)",
            [(x, dt.date.fromisoformat(d), v) for x, d, v in SETTLEMENTS],
        )
        con.executemany(
            "insert into fct_payout (payout_id, status, net_thb) values (?, ?, ?)", PAYOUTS
        )
        # Shipments written directly: the logistics timing marts follow, as after every load.
        write_timing(con)
