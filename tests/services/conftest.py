"""Fixtures of the service tests: an ops DB on SQLite (and PostgreSQL when configured),
account factories, and a small hand-built lake whose figures are known by heart."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from dashboard.admin import accounts
from dashboard.identity import authz
from dashboard.identity.user import User
from warehouse import ops
from warehouse.lake import connect_writer
from warehouse.settings import Settings, load_settings

PG_URL_ENV = "POSTMART_TEST_PG_URL"


@pytest.fixture(autouse=True)
def _dispose_engines() -> Iterator[None]:
    yield
    ops.dispose_all()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    base = os.environ.get(PG_URL_ENV)
    if not base:
        if os.environ.get("POSTMART_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"POSTMART_REQUIRE_POSTGRES=1 but {PG_URL_ENV} is not set")
        pytest.skip(f"{PG_URL_ENV} not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'create schema "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        ops.dispose_all()
        with admin.begin() as conn:
            conn.execute(text(f'drop schema "{schema}" cascade'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ops_settings(
    request: pytest.FixtureRequest, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """Settings whose ops DB is SQLite in the test's data dir, or a PostgreSQL schema."""
    if request.param == "postgres":
        monkeypatch.setenv("POSTMART_OPS_DB_URL", request.getfixturevalue("pg_url"))
    return load_settings()


@pytest.fixture
def admin(ops_settings: Settings) -> User:
    user, _ = accounts.create_user(
        authz.CLI_ACTOR,
        username="root.admin",
        display_name="Root admin",
        role="admin",
        settings=ops_settings,
    )
    return user


MakeUser = Callable[..., tuple[User, str]]


@pytest.fixture
def make_user(ops_settings: Settings) -> MakeUser:
    """Create an account (by the CLI actor): make_user("ministry") or with keyword overrides."""
    counter = iter(range(1, 10_000))

    def make(role: str, **kw: object) -> tuple[User, str]:
        defaults: dict[str, object] = {
            "province_codes": ("82",) if role == "provincial_officer" else (),
            "postal_region_code": "PR06" if role == "branch_manager" else None,
        }
        defaults.update(kw)
        username = str(defaults.pop("username", f"{role.replace('_', '.')}{next(counter)}"))
        return accounts.create_user(
            authz.CLI_ACTOR,
            username=username,
            display_name=username,
            role=role,
            settings=ops_settings,
            **defaults,  # type: ignore[arg-type]
        )

    return make


# ------------------------------------------------------------------ a small, known lake

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


@pytest.fixture(scope="session")
def small_lake(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of a tiny hand-built lake (read it only; every figure is known)."""
    root = tmp_path_factory.mktemp("small_lake")
    settings = load_settings({"POSTMART_DATA_DIR": str(root)})
    build_small_lake(settings)
    return settings


@pytest.fixture
def lake_settings(small_lake: Settings, settings: Settings) -> Settings:
    """The small lake, with this test's own (SQLite) ops DB."""
    return dataclasses.replace(small_lake, ops_db_url=settings.ops_db_url)
