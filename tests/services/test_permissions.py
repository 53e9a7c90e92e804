"""Every permission rule, table-driven: pages per role, admin-only services, scopes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dashboard import registry
from dashboard.admin import accounts, audit_log, loads
from dashboard.errors import NotSignedIn, PermissionDenied
from dashboard.identity import authz
from dashboard.identity.user import User
from tests.ops_db import MakeUser
from warehouse.settings import Settings

ROLES = ("ministry", "provincial_officer", "branch_manager", "payments_officer", "admin")
ONBOARDING = ["applications", "application_import", "listings", "office"]
# payments (issue 9)
PAYMENTS = [
    "payment_health",
    "settlement",
    "reconciliation",
    "exception_queue",
    "payouts",
    "cod_custody",
]
LOGISTICS = ["deliveries", "branch_performance", "delivery_map", "cold_chain"]
ALL_PAGES = (
    "home",
    *ONBOARDING,
    *PAYMENTS,
    *LOGISTICS,
    "delivery_summary",
    "impact",
    "my_account",
    "users",
    "data_loads",
    "audit_log",
)
PAGES_OF = {
    "ministry": ["home", "office", "delivery_summary", "impact", "my_account"],
    "provincial_officer": ["home", *ONBOARDING, "my_account"],
    "branch_manager": ["home", "cod_custody", *LOGISTICS, "my_account"],
    "payments_officer": ["home", *PAYMENTS, "my_account"],
    "admin": [
        "home",
        *ONBOARDING,
        *PAYMENTS,
        *LOGISTICS,
        "delivery_summary",
        "impact",
        "my_account",
        "users",
        "data_loads",
        "audit_log",
    ],
}


def _bare(role: str, **kw: object) -> User:
    fields: dict = {
        "user_id": 99,
        "username": "x",
        "display_name": "x",
        "role": role,
        "province_codes": (),
        "branch_code": None,
        "postal_region_code": None,
        "language": "th",
    }
    fields.update(kw)
    return User(**fields)


@pytest.fixture
def ops_settings(settings: Settings) -> Settings:
    """SQLite only: these rules live in Python, the same on either engine."""
    return settings


@pytest.mark.parametrize("role", ROLES)
def test_navigation_lists_exactly_the_role_pages(role: str) -> None:
    assert registry.allowed_pages(_bare(role)) == PAGES_OF[role]


@pytest.mark.parametrize(("role", "page"), [(r, p) for r in ROLES for p in ALL_PAGES])
def test_require_page(role: str, page: str) -> None:
    user = _bare(role)
    if page in PAGES_OF[role]:
        assert registry.require_page(user, page) is user
    else:
        with pytest.raises(PermissionDenied):
            registry.require_page(user, page)


@pytest.mark.parametrize("page", [*ALL_PAGES, "no_such_page"])
def test_anonymous_gets_no_page(page: str) -> None:
    with pytest.raises(NotSignedIn):
        registry.require_page(None, page)


def test_unknown_page_is_refused_even_to_admins() -> None:
    with pytest.raises(PermissionDenied):
        registry.require_page(_bare("admin"), "no_such_page")


@pytest.mark.parametrize(
    ("user", "label"),
    [
        (_bare("ministry"), {"kind": "national"}),
        (_bare("payments_officer"), {"kind": "national"}),
        (_bare("admin"), {"kind": "national"}),
        (
            _bare("provincial_officer", province_codes=("82", "83")),
            {"kind": "provinces", "codes": ["82", "83"]},
        ),
        (_bare("branch_manager", branch_code="B1"), {"kind": "branch", "code": "B1"}),
        (
            _bare("branch_manager", postal_region_code="PR06"),
            {"kind": "postal_region", "code": "PR06"},
        ),
    ],
)
def test_scope_label(user: User, label: dict) -> None:
    assert authz.scope_label(user) == label


@pytest.mark.parametrize("role", ["provincial_officer", "branch_manager"])
def test_a_scoped_role_without_scope_sees_nothing(role: str) -> None:
    with pytest.raises(PermissionDenied):
        authz.scope_of(_bare(role))


# Every admin-only service call, given an actor and a target user id.
ADMIN_ONLY: dict[str, Callable[[User, int, Settings], object]] = {
    "list_users": lambda a, uid, s: accounts.list_users(a),
    "get_user": lambda a, uid, s: accounts.get_user(a, "root.admin"),
    "create_user": lambda a, uid, s: accounts.create_user(
        a, username="newbie", display_name="n", role="ministry"
    ),
    "update_user": lambda a, uid, s: accounts.update_user(a, uid, display_name="Changed"),
    "set_active": lambda a, uid, s: accounts.set_active(a, uid, False),
    "reset_password": lambda a, uid, s: accounts.reset_password(a, uid),
    "audit.browse": lambda a, uid, s: audit_log.browse(a),
    "audit.export_csv": lambda a, uid, s: audit_log.export_csv(a),
    "loads.list_inbox": lambda a, uid, s: loads.list_inbox(a),
    "loads.save_upload": lambda a, uid, s: loads.save_upload(a, "orders.csv", b"x"),
    "loads.run_loads": lambda a, uid, s: loads.run_loads(a, [], None),
    "loads.ledger": lambda a, uid, s: loads.ledger(a),
    "loads.warehouse_tables": lambda a, uid, s: loads.warehouse_tables(a),
    "loads.quarantine": lambda a, uid, s: loads.quarantine(a, "L1"),
    "loads.quarantine_csv": lambda a, uid, s: loads.quarantine_csv(a, "L1"),
}


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
@pytest.mark.parametrize("call", list(ADMIN_ONLY))
def test_admin_only_services_refuse_other_roles(
    call: str, role: str, make_user: MakeUser, admin: User, ops_settings: Settings
) -> None:
    actor, _ = make_user(role)
    with pytest.raises(PermissionDenied) as err:
        ADMIN_ONLY[call](actor, admin.user_id, ops_settings)
    assert not isinstance(err.value, NotSignedIn)


@pytest.mark.parametrize("call", list(ADMIN_ONLY))
def test_admin_only_services_refuse_anonymous(
    call: str, admin: User, ops_settings: Settings
) -> None:
    with pytest.raises(NotSignedIn):
        ADMIN_ONLY[call](None, admin.user_id, ops_settings)  # type: ignore[arg-type]


@pytest.mark.parametrize("call", list(ADMIN_ONLY))
def test_a_disabled_admin_is_refused_at_once(
    call: str, make_user: MakeUser, admin: User, ops_settings: Settings
) -> None:
    other, _ = make_user("admin")
    accounts.set_active(admin, other.user_id, False)
    with pytest.raises(NotSignedIn):
        ADMIN_ONLY[call](other, admin.user_id, ops_settings)


def test_a_demoted_admin_is_refused_at_once(make_user: MakeUser, admin: User) -> None:
    other, _ = make_user("admin")
    accounts.update_user(admin, other.user_id, role="ministry")
    with pytest.raises(PermissionDenied):
        accounts.list_users(other)  # `other` still says role="admin" in its session


def test_a_forged_user_object_does_not_pass(make_user: MakeUser, admin: User) -> None:
    officer, _ = make_user("provincial_officer")
    forged = User(**{**officer.__dict__, "role": "admin"})
    with pytest.raises(PermissionDenied):
        accounts.list_users(forged)


def test_the_table_names_every_page_of_the_registry() -> None:
    # A page added to the registry but not to this table would escape every rule above.
    assert sorted(ALL_PAGES) == sorted(registry.PAGE_KEYS)
