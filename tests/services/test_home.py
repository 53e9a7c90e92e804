"""Home figures per role and scope: exact values on a hand-built lake, isolation between
scopes, and agreement with a direct SQL query for the same scope."""

from __future__ import annotations

import dataclasses
import datetime as dt

import polars as pl
import pytest

from dashboard.admin import accounts
from dashboard.errors import NotFound, NotSignedIn
from dashboard.home import HomeFigures, home_figures
from dashboard.identity import authz
from dashboard.identity.user import User
from tests.services.helpers import AS_OF
from warehouse.lake import connect_reader
from warehouse.settings import Settings


def _user(settings: Settings, role: str, **scope: object) -> User:
    user, _ = accounts.create_user(
        authz.CLI_ACTOR,
        username=f"{role.replace('_', '.')}.{abs(hash(str(scope))) % 10_000}",
        display_name=role,
        role=role,
        settings=settings,
        **scope,  # type: ignore[arg-type]
    )
    return user


def _values(figures: HomeFigures) -> dict[str, float]:
    return {m.key: m.value for m in figures.metrics}


@pytest.mark.parametrize("role", ["ministry", "admin"])
def test_national_programme_figures(lake_settings: Settings, role: str) -> None:
    figures = home_figures(_user(lake_settings, role), settings=lake_settings)
    assert _values(figures) == {
        "active_sellers": 4,
        "low_income_sellers": 2,
        "orders_30d": 4,
        "sales_thb_30d": 1450.0,
        "low_income_sales_share_30d": round(100 * 150 / 1450, 2),
    }
    assert figures.as_of == AS_OF
    assert figures.scope == {"kind": "national"}
    assert figures.monthly.to_dicts() == [
        {"month": dt.date(2025, 5, 1), "value": 110.0, "series": "sales_thb_monthly"},
        {"month": dt.date(2025, 6, 1), "value": 1450.0, "series": "sales_thb_monthly"},
    ]


@pytest.mark.parametrize(
    ("provinces", "expected"),
    [
        (
            ("82",),
            {
                "active_sellers": 2,
                "low_income_sellers": 1,
                "orders_30d": 2,
                "sales_thb_30d": 400.0,
                "low_income_sales_share_30d": 25.0,
                "applications_pending": 2,
            },
        ),
        (
            ("83",),
            {
                "active_sellers": 1,
                "low_income_sellers": 1,
                "orders_30d": 1,
                "sales_thb_30d": 50.0,
                "low_income_sales_share_30d": 100.0,
                "applications_pending": 1,
            },
        ),
        (
            ("82", "83"),
            {
                "active_sellers": 3,
                "low_income_sellers": 2,
                "orders_30d": 3,
                "sales_thb_30d": 450.0,
                "low_income_sales_share_30d": round(100 * 150 / 450, 2),
                "applications_pending": 3,
            },
        ),
        (
            ("96",),  # a province with no sellers: zeros, never another province's figures
            {
                "active_sellers": 0,
                "low_income_sellers": 0,
                "orders_30d": 0,
                "sales_thb_30d": 0.0,
                "low_income_sales_share_30d": 0.0,
                "applications_pending": 0,
            },
        ),
    ],
)
def test_provincial_officer_sees_only_their_provinces(
    lake_settings: Settings, provinces: tuple[str, ...], expected: dict
) -> None:
    user = _user(lake_settings, "provincial_officer", province_codes=provinces)
    figures = home_figures(user, settings=lake_settings)
    assert _values(figures) == expected
    assert figures.scope == {"kind": "provinces", "codes": list(provinces)}


def test_officer_of_82_gets_nothing_of_83(lake_settings: Settings) -> None:
    officer_82 = _user(lake_settings, "provincial_officer", province_codes=("82",))
    sales = home_figures(officer_82, settings=lake_settings).monthly
    # May: O6 (40) and O7 (70) are both province 82; June: O1 + O2; never O3 (83) or O4 (10).
    assert sales["value"].to_list() == [110.0, 400.0]


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (
            {"branch_code": "B1"},
            {
                "shipments_accepted_30d": 2,
                "on_time_rate_30d": 50.0,
                "in_transit": 0,
                "failed_delivery_rate_30d": 50.0,
            },
        ),
        (
            {"postal_region_code": "PR06"},
            {
                "shipments_accepted_30d": 4,
                "on_time_rate_30d": round(100 / 3, 2),
                "in_transit": 1,
                "failed_delivery_rate_30d": round(200 / 3, 2),
            },
        ),
        (
            {"postal_region_code": "PR08"},
            {
                "shipments_accepted_30d": 1,
                "on_time_rate_30d": 100.0,
                "in_transit": 0,
                "failed_delivery_rate_30d": 0.0,
            },
        ),
    ],
)
def test_branch_manager_figures_for_branch_or_region(
    lake_settings: Settings, scope: dict, expected: dict
) -> None:
    figures = home_figures(_user(lake_settings, "branch_manager", **scope), settings=lake_settings)
    assert _values(figures) == expected
    assert set(figures.monthly["series"]) == {"shipments_accepted_monthly"}


def test_on_time_counts_working_days_only(lake_settings: Settings) -> None:
    # T1: accepted Mon 2 June, 3 June a holiday, delivered Thu 5 June = 2 working days: on
    # time for a 2-day standard. T2: Fri 6 June to Mon 9 June = 2 working days (Saturday
    # counts, Sunday does not): late for 1 day. So branch B1 is on time 1 of 2.
    figures = home_figures(
        _user(lake_settings, "branch_manager", branch_code="B1"), settings=lake_settings
    )
    assert _values(figures)["on_time_rate_30d"] == 50.0
    assert figures.monthly.to_dicts() == [
        {"month": dt.date(2025, 5, 1), "value": 1.0, "series": "shipments_accepted_monthly"},
        {"month": dt.date(2025, 6, 1), "value": 2.0, "series": "shipments_accepted_monthly"},
    ]


def test_payments_officer_figures(lake_settings: Settings) -> None:
    figures = home_figures(_user(lake_settings, "payments_officer"), settings=lake_settings)
    assert _values(figures) == {
        "payment_success_rate_30d": round(200 / 3, 2),
        "failed_payments_30d": 1,
        "refunds_chargebacks_30d": 2,
        "settled_net_thb_30d": 700.0,
        "payouts_held": 2,
        "payouts_held_thb": 350.0,
    }
    assert figures.monthly["value"].to_list() == [999.0, 700.0]


def test_home_figures_equal_a_direct_query_for_the_same_scope(lake_settings: Settings) -> None:
    officer = _user(lake_settings, "provincial_officer", province_codes=("82",))
    figures = _values(home_figures(officer, settings=lake_settings))
    con = connect_reader(lake_settings)
    try:
        direct = con.execute(
            """
            select count(distinct o.order_id), sum(o.subtotal_thb)
            from fct_order o join dim_seller s using (seller_id)
            where s.province_code = '82' and o.status in ('paid', 'shipped', 'delivered')
              and o.ordered_at > (select max(ordered_at) from fct_order) - interval 30 day
            """
        ).fetchone()
        sellers = con.execute(
            "select count(*) from dim_seller where province_code = '82' and status = 'active'"
        ).fetchone()[0]
    finally:
        con.close()
    assert (figures["orders_30d"], figures["sales_thb_30d"]) == (direct[0], float(direct[1]))
    assert figures["active_sellers"] == sellers


def test_home_figures_refuse_anonymous(lake_settings: Settings) -> None:
    with pytest.raises(NotSignedIn):
        home_figures(None, settings=lake_settings)


def test_disabled_user_gets_no_figures(lake_settings: Settings) -> None:
    user = _user(lake_settings, "ministry")
    accounts.set_active(authz.CLI_ACTOR, user.user_id, False, settings=lake_settings)
    with pytest.raises(NotSignedIn):
        home_figures(user, settings=lake_settings)


def test_scope_change_applies_at_once(lake_settings: Settings) -> None:
    # The session's User still says 82; the account now says 83: the account wins.
    user = _user(lake_settings, "provincial_officer", province_codes=("82",))
    accounts.update_user(
        authz.CLI_ACTOR, user.user_id, province_codes=("83",), settings=lake_settings
    )
    figures = home_figures(user, settings=lake_settings)
    assert figures.scope == {"kind": "provinces", "codes": ["83"]}
    assert _values(figures)["sales_thb_30d"] == 50.0


def test_no_lake_is_a_kind_error(settings: Settings) -> None:
    user = _user(settings, "ministry")
    with pytest.raises(NotFound) as err:
        home_figures(user, settings=settings)
    assert err.value.key == "lake.missing"


def test_monthly_frame_shape(lake_settings: Settings) -> None:
    figures = home_figures(_user(lake_settings, "payments_officer"), settings=lake_settings)
    assert figures.monthly.schema == pl.Schema(
        {"month": pl.Date, "value": pl.Float64, "series": pl.Utf8}
    )


DIRECT_PROVINCE_SQL = """
with as_of as (select max(ordered_at) as end_at from fct_order)
select
    (select count(*) from dim_seller where province_code = $p and status = 'active'),
    (select count(*) from dim_seller
        where province_code = $p and status = 'active' and is_low_income),
    (select count(*) from fct_order o join dim_seller s on s.seller_id = o.seller_id, as_of
        where s.province_code = $p and o.status in ('paid', 'shipped', 'delivered')
          and o.ordered_at > as_of.end_at - interval 30 day and o.ordered_at <= as_of.end_at),
    (select coalesce(sum(o.subtotal_thb), 0) from fct_order o
        join dim_seller s on s.seller_id = o.seller_id, as_of
        where s.province_code = $p and o.status in ('paid', 'shipped', 'delivered')
          and o.ordered_at > as_of.end_at - interval 30 day and o.ordered_at <= as_of.end_at),
    (select count(*) from seller_application
        where province_code = $p and status in ('submitted', 'in_review', 'resubmitted'))
"""


def test_demo_home_figures_match_postmart_sql(demo_settings: Settings, settings: Settings) -> None:
    """On the demo lake, a provincial officer's figures equal a hand-written query (what
    an analyst would type into `postmart sql`) for their province, and are not national."""
    both = dataclasses.replace(demo_settings, ops_db_url=settings.ops_db_url)
    con = connect_reader(both)
    try:
        con.execute("use lake")
        province = con.execute(
            "select province_code from dim_seller where status = 'active' "
            "group by 1 order by count(*) desc, 1 limit 1"
        ).fetchone()[0]
        direct = con.execute(DIRECT_PROVINCE_SQL, {"p": province}).fetchone()
    finally:
        con.close()
    officer = _user(both, "provincial_officer", province_codes=(province,))
    figures = _values(home_figures(officer, settings=both))
    national = _values(home_figures(_user(both, "ministry"), settings=both))
    assert (
        figures["active_sellers"],
        figures["low_income_sellers"],
        figures["orders_30d"],
        figures["sales_thb_30d"],
        figures["applications_pending"],
    ) == (direct[0], direct[1], direct[2], float(direct[3]), direct[4])
    assert figures["active_sellers"] > 0 and figures["orders_30d"] > 0
    assert national["active_sellers"] > figures["active_sellers"]
