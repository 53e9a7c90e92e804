"""Fixtures of the onboarding tests: a real ops DB (SQLite, or PostgreSQL when
POSTMART_TEST_PG_URL is set), real accounts, and a factory of valid applications."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import geothai
import pytest
from sqlalchemy.engine import make_url

from dashboard.identity.user import User
from warehouse import ops

PG_ENV = "POSTMART_TEST_PG_URL"


def make_pin(first12: str) -> str:
    """A valid 13-digit Thai ID from its first 12 digits (weights 13…2, DOMAIN.md)."""
    s = sum((13 - i) * int(d) for i, d in enumerate(first12)) % 11
    return first12 + str((11 - s) % 10)


def address(province_code: str, district_index: int = 0) -> dict[str, str]:
    district = geothai.districts(province_code)[district_index]
    sub = geothai.subdistricts(district.code)[0]
    return {
        "province_code": province_code,
        "district_code": district.code,
        "subdistrict_code": sub.code,
        "postal_code": sub.postal_codes[0],
    }


_counter = iter(range(1, 10**9))


@pytest.fixture
def app_data() -> Callable[..., dict[str, Any]]:
    """A valid community-enterprise application in Phang Nga; keywords override fields."""

    def make(province_code: str = "82", **overrides: Any) -> dict[str, Any]:
        n = next(_counter)
        data = {
            "seller_type": "community_enterprise",
            "name_th": f"วิสาหกิจชุมชนทดสอบ {n}",
            "name_en": f"Test community enterprise {n}",
            "national_id": make_pin(f"3{n:011d}"),
            "ce_registration_code": f"4-{province_code}-01-01/1-{n % 10000:04d}",
            "count_members": 12,
            "phone": f"08{n % 100_000_000:08d}",
            "bank_code": "034",
            "bank_account_no": f"{n:012d}",
            "promptpay_proxy": None,
            **address(province_code),
        }
        data.update(overrides)
        return data

    return make


def _pg_database(base_url: str) -> Iterator[str]:
    """A fresh, empty database on the test server for one test, dropped afterwards."""
    import psycopg

    url = make_url(base_url)
    name = f"ob_{uuid.uuid4().hex[:12]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        ops.dispose_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')


def _skip_or_fail_without_pg() -> None:
    if os.environ.get("POSTMART_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{PG_ENV} is not set but POSTMART_REQUIRE_POSTGRES=1")
    pytest.skip(f"{PG_ENV} not set")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ops_db(
    request: pytest.FixtureRequest, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The ops DB URL, once on SQLite and once on PostgreSQL; migrations applied."""
    if request.param == "sqlite":
        url = f"sqlite:///{data_dir / 'ops.sqlite'}"
        monkeypatch.setenv("POSTMART_OPS_DB_URL", url)
        ops.engine()
        yield url
        ops.dispose_all()
        return
    base = os.environ.get(PG_ENV)
    if not base:
        _skip_or_fail_without_pg()
    gen = _pg_database(base)
    url = next(gen)
    monkeypatch.setenv("POSTMART_OPS_DB_URL", url)
    ops.engine()
    yield url
    gen.close()


@pytest.fixture
def sqlite_db(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{data_dir / 'ops.sqlite'}"
    monkeypatch.setenv("POSTMART_OPS_DB_URL", url)
    ops.engine()
    yield url
    ops.dispose_all()


def _make_user(username: str, role: str, provinces: tuple[str, ...] = ()) -> User:
    from dashboard.admin import accounts
    from dashboard.identity import authz

    user, _password = accounts.create_user(
        authz.CLI_ACTOR,
        username=username,
        display_name=username,
        role=role,
        province_codes=provinces,
    )
    return user


_USERS = {
    "pn_a": ("pn_officer_a", "provincial_officer", ("82",)),
    "pn_b": ("pn_officer_b", "provincial_officer", ("82",)),
    "bkk": ("bkk_officer", "provincial_officer", ("10",)),
    "ministry": ("ministry_user", "ministry", ()),
    "admin": ("admin_user", "admin", ()),
}


class _LazyUsers(dict):
    """Accounts made on first use: hashing a password is deliberately slow."""

    def __missing__(self, key: str) -> User:
        user = _make_user(*_USERS[key])
        self[key] = user
        return user


@pytest.fixture
def users(request: pytest.FixtureRequest) -> dict[str, User]:
    """Two officers of Phang Nga (82), one of Bangkok (10), a ministry user, an admin.

    Needs a DB fixture first (``ops_db`` or ``sqlite_db``)."""
    db_fixture = "ops_db" if "ops_db" in request.fixturenames else "sqlite_db"
    request.getfixturevalue(db_fixture)
    return _LazyUsers()
