"""A hand-made set of shipments around Songkran 2026 and a cabinet day, whose KPIs are
worked out by hand in test_kpis.py (and in docs/logistics.md's worked example)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from etl.load import shipment_state
from etl.reference import build_dim_date
from etl.reference.thai_holidays import write_public_holidays
from warehouse.lake import connect_writer
from warehouse.settings import Settings

CABINET_DAY = dt.date(2026, 3, 20)  # a Friday the cabinet makes a holiday (test only)


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour)


def branches(settings: Settings) -> tuple[str, str, str, str]:
    """Two branches of different postal regions: (a, region of a, b, region of b)."""
    from warehouse.lake import connect_reader

    con = connect_reader(settings)
    try:
        a, ra = con.execute(
            "select branch_code, postal_region_code from dim_branch order by branch_code limit 1"
        ).fetchone()
        b, rb = con.execute(
            "select branch_code, postal_region_code from dim_branch "
            "where postal_region_code <> ? order by branch_code limit 1",
            [ra],
        ).fetchone()
    finally:
        con.close()
    return a, ra, b, rb


def shipments(a: str, b: str) -> pl.DataFrame:
    rows = [
        # S1: Fri 10 Apr → Thu 16 Apr: Sat 11 is day 1, Songkran 13–15, Thu is day 2.
        ("EF000000001TH", a, at(4, 10), at(4, 16, 8), at(4, 16), None, None, False, None),
        # S2: Fri 10 Apr → Fri 17 Apr: D+3, late for EMS (2 days).
        ("EF000000002TH", a, at(4, 10), at(4, 17, 8), at(4, 17), None, None, False, None),
        # S3: Thu 19 Mar → Mon 23 Mar: D+3, but D+2 once the cabinet makes Fri 20 a holiday.
        ("EF000000003TH", a, at(3, 19), at(3, 23, 8), at(3, 23), None, None, False, None),
        # S4: Mon 9 Mar, failed Tue 10, delivered Thu 12: D+3, late, not at first attempt.
        (
            "EF000000004TH",
            a,
            at(3, 9),
            at(3, 10, 8),
            at(3, 12),
            at(3, 10, 14),
            "ไม่มีผู้รับ",
            False,
            None,
        ),
        # S5: Mon 2 Mar, never delivered: overdue, so late.
        ("EF000000005TH", a, at(3, 2), None, None, None, None, False, None),
        # S6: Tue 21 Apr, the lake's last day: still within its standard, not due.
        ("EF000000006TH", a, at(4, 21, 9), None, None, None, None, False, None),
        # S7: Mon 16 Mar, failed Tue 17, returned Thu 19.
        (
            "EF000000007TH",
            a,
            at(3, 16),
            at(3, 17, 8),
            None,
            at(3, 17, 14),
            "ปิดบ้าน",
            True,
            at(3, 19),
        ),
        # S8: another region's branch, on time: never in branch a's figures.
        ("EF000000008TH", b, at(3, 2), at(3, 3, 8), at(3, 3), None, None, False, None),
    ]
    cols = [
        "tracking_no",
        "origin_branch_code",
        "accepted_at",
        "first_out_for_delivery_at",
        "delivered_at",
        "first_failed_at",
        "last_failure_reason",
        "is_returned",
        "returned_at",
    ]
    df = pl.DataFrame(rows, schema=cols, orient="row")
    last = pl.max_horizontal(
        "accepted_at",
        "first_out_for_delivery_at",
        "delivered_at",
        "first_failed_at",
        "returned_at",
    )
    return df.with_columns(
        order_id=pl.col("tracking_no"),
        service_code=pl.lit("EMS"),
        standard_days=pl.lit(2, pl.Int32),
        dest_branch_code=pl.lit(b),
        dest_province_code=pl.lit("10"),
        count_failed_attempts=pl.col("first_failed_at").is_not_null().cast(pl.Int32),
        is_cold_chain=pl.lit(False),
        is_cod=pl.lit(False),
        last_event_at=pl.when(pl.col("tracking_no") == "EF000000006TH")
        .then(at(4, 21, 12))
        .otherwise(last),
        status=pl.lit("delivered"),
    ).join(_segments(), on="tracking_no", how="left")


# The late items' segment times (S2 and S4, both to branch b):
# S2 10 h to the origin centre, 86 h between centres, 45 h to the branch, 27 h to delivery;
# S4 6 h, 18 h, 3 h, 45 h.
def _segments() -> pl.DataFrame:
    return pl.DataFrame(
        [
            ("EF000000002TH", at(4, 10, 20), at(4, 14, 10), at(4, 16, 7)),
            ("EF000000004TH", at(3, 9, 16), at(3, 10, 10), at(3, 10, 13)),
        ],
        schema=["tracking_no", "first_sorting_at", "last_sorting_at", "arrived_branch_at"],
        orient="row",
    )


CENTRE = "ศป.ทดสอบ"


def events() -> pl.DataFrame:
    """Mail-centre stays: S1 6 h and S2 10 h at CENTRE; S3 leaves from elsewhere (no stay)."""
    rows = [
        ("EF000000001TH", "211", at(4, 10, 12), CENTRE),
        ("EF000000001TH", "201", at(4, 10, 18), CENTRE),
        ("EF000000002TH", "211", at(4, 10, 20), CENTRE),
        ("EF000000002TH", "201", at(4, 11, 6), CENTRE),
        ("EF000000003TH", "211", at(3, 19, 12), CENTRE),
        ("EF000000003TH", "201", at(3, 19, 20), "ที่อื่น"),
    ]
    return pl.DataFrame(
        rows, schema=["tracking_no", "status_code", "event_at", "location"], orient="row"
    )


def orders(seller_id: str) -> pl.DataFrame:
    """Paid orders at as-of 21 Apr 12:00: 10 h old (within the 24 h SLA), 30 h (no label),
    100 h (labelled at branch a, never accepted: S9)."""
    rows = [
        ("O-FRESH", at(4, 21, 2)),
        ("O-NO-LABEL", at(4, 20, 6) - dt.timedelta(hours=0)),
        ("EF000000009TH", at(4, 17, 8)),
    ]
    return pl.DataFrame(rows, schema=["order_id", "ordered_at"], orient="row").with_columns(
        seller_id=pl.lit(seller_id),
        status=pl.lit("paid"),
        subtotal_thb=pl.lit(100).cast(pl.Decimal(14, 2)),
        total_thb=pl.lit(100).cast(pl.Decimal(14, 2)),
        currency=pl.lit("THB"),
    )


def build(settings: Settings, with_cabinet_day: bool = True) -> None:
    a, _ra, b, _rb = branches(settings)
    with connect_writer(settings) as con:
        con.register("_d", build_dim_date(dt.date(2026, 1, 1), dt.date(2026, 12, 31)).to_arrow())
        con.execute("delete from dim_date")
        con.execute("insert into dim_date by name select * from _d")
        write_public_holidays(con)
        con.register("_s", shipments(a, b).to_arrow())
        con.execute("delete from fct_shipment")
        con.execute("insert into fct_shipment by name select * from _s")
        # S9: a label at branch a for an order never brought to the counter.
        con.execute(
            "insert into fct_shipment (tracking_no, order_id, origin_branch_code, service_code, "
            "standard_days, is_returned, count_failed_attempts, status) values "
            "('EF000000009TH', 'EF000000009TH', ?, 'EMS', 2, false, 0, 'label_created')",
            [a],
        )
        con.register("_e", events().to_arrow())
        con.execute("delete from fct_tracking_event")
        con.execute("insert into fct_tracking_event by name select * from _e")
        # Cold-chain shipments of May (outside the other tests' period; no last event, so
        # "now" stays 21 Apr), with readings at the range's edges (cold_readings()).
        con.execute(
            "insert into fct_shipment (tracking_no, origin_branch_code, service_code, "
            "standard_days, is_returned, count_failed_attempts, accepted_at, cold_chain_class, "
            "is_cold_chain, origin_mail_centre_code, dest_province_code, status) "
            "select tracking_no, ?, 'COLD', 2, false, 0, ?, cold_chain_class, true, 'MC-T', "
            "'10', 'in_transit' from (values ('EF000000011TH', 'chilled'), "
            "('EF000000012TH', 'chilled'), ('EF000000013TH', 'frozen')) t(tracking_no, "
            "cold_chain_class)",
            [a, at(5, 10, 8)],
        )
        con.register("_r", cold_readings().to_arrow())
        con.execute("delete from fct_cold_chain_reading")
        con.execute("insert into fct_cold_chain_reading by name select * from _r")
        seller = con.execute("select min(seller_id) from dim_seller").fetchone()[0]
        con.register("_o", orders(seller).to_arrow())
        con.execute("delete from fct_order")
        con.execute("insert into fct_order by name select * from _o")
        con.execute("delete from ref_holiday_override")
        if with_cabinet_day:
            add_cabinet_day(con)
        # Written directly, as the demo does: the timing marts follow (every load does this).
        shipment_state.write_timing(con)


def add_cabinet_day(con) -> None:
    con.execute(
        "insert into ref_holiday_override values (?, true, ?, 'Cabinet day', 'test')",
        [CABINET_DAY, "วันหยุดพิเศษ"],
    )
    shipment_state.refresh_timing(con)  # as a holiday_overrides load does


def cold_readings() -> pl.DataFrame:
    """C1 chilled: 5.0, 8.0 (the limit: in range), 8.1 at +60 min, back 5.0 at +90: a run of
    exactly 30 min. C2 chilled: 2.0, 1.9 at +30, back at +59: 29 min. C3 frozen: −15.0 (the
    limit), −14.9 from +15 to the last reading at +60, never back: 45 min."""
    t = at(5, 10, 9)

    def m(minutes: int) -> dt.datetime:
        return t + dt.timedelta(minutes=minutes)

    rows = [
        ("EF000000011TH", m(0), 5.0),
        ("EF000000011TH", m(30), 8.0),
        ("EF000000011TH", m(60), 8.1),
        ("EF000000011TH", m(90), 5.0),
        ("EF000000012TH", m(0), 2.0),
        ("EF000000012TH", m(30), 1.9),
        ("EF000000012TH", m(59), 3.0),
        ("EF000000013TH", m(0), -15.0),
        ("EF000000013TH", m(15), -14.9),
        ("EF000000013TH", m(60), -14.0),
    ]
    return pl.DataFrame(rows, schema=["tracking_no", "read_at", "temperature_c"], orient="row")
