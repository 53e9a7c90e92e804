"""Who may open which page and see which data. Services call these; pages never decide.

Rules, in one place:

| role | pages | data scope |
|---|---|---|
| ministry | home, office, my_account | national, read-only |
| provincial_officer | home, applications, application_import, listings, office, my_account | own |
| branch_manager | home, my_account | their branch, or every branch of their postal region |
| payments_officer | home, my_account | national |
| admin | every page | national |

``current()`` re-reads the account on each service call, so a disabled account or a
changed role or scope takes effect at once, not at the next sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.auth import User, load_user
from dashboard.errors import NotSignedIn, PermissionDenied
from warehouse.ops_schema import ROLES
from warehouse.settings import Settings

# The command line acts as this role: it already holds the DB, so it may do what an admin
# may. No account can have it (the users table's check constraint lists ROLES only).
SYSTEM_ROLE = "system"
NATIONAL_ROLES = frozenset({"ministry", "payments_officer", "admin"})
_EVERYONE = frozenset(ROLES)
_ADMIN = frozenset({"admin"})
# Onboarding: the provincial offices act (admins anywhere); the ministry only reads the
# office view. The onboarding services apply the province scope and the act/see split.
_ONBOARDING = frozenset({"provincial_officer", "admin"})
_ONBOARDING_VIEW = frozenset({"provincial_officer", "admin", "ministry"})

# Page key -> roles allowed, in navigation order.
PAGES: dict[str, frozenset[str]] = {
    "home": _EVERYONE,
    "applications": _ONBOARDING,
    "application_import": _ONBOARDING,
    "listings": _ONBOARDING,
    "office": _ONBOARDING_VIEW,
    "my_account": _EVERYONE,
    "users": _ADMIN,
    "data_loads": _ADMIN,
    "audit_log": _ADMIN,
}

CLI_ACTOR = User(
    user_id=0,
    username="cli",
    display_name="Command line",
    role=SYSTEM_ROLE,
    province_codes=(),
    branch_code=None,
    postal_region_code=None,
    language="en",
)


@dataclass(frozen=True)
class Scope:
    """The data a user may see: national, some provinces, a branch, or a postal region."""

    kind: str  # "national" | "provinces" | "branch" | "postal_region"
    province_codes: tuple[str, ...] = ()
    branch_code: str | None = None
    postal_region_code: str | None = None


def allowed_pages(user: User) -> list[str]:
    return [page for page, roles in PAGES.items() if user.role in roles]


def require_page(user: User | None, page_key: str) -> User:
    if user is None:
        raise NotSignedIn()
    if user.role not in PAGES.get(page_key, frozenset()):
        raise PermissionDenied(page=page_key)
    return user


def current(user: User | None, settings: Settings | None = None) -> User:
    """The acting user as the ops DB has it now; NotSignedIn when gone or disabled."""
    if user is None:
        raise NotSignedIn()
    if user.role == SYSTEM_ROLE and user.user_id == CLI_ACTOR.user_id:
        return user
    fresh = load_user(user.user_id, settings)
    if fresh is None or fresh.username != user.username:
        raise NotSignedIn()
    return fresh


def require_role(user: User | None, *roles: str, settings: Settings | None = None) -> User:
    """The fresh user when their role is one of ``roles`` (the CLI counts as admin)."""
    fresh = current(user, settings)
    if fresh.role in roles or (fresh.role == SYSTEM_ROLE and "admin" in roles):
        return fresh
    raise PermissionDenied(role=fresh.role)


def scope_of(user: User) -> Scope:
    """The user's data scope; PermissionDenied when the account has none it could use."""
    if user.role in NATIONAL_ROLES or user.role == SYSTEM_ROLE:
        return Scope("national")
    if user.role == "provincial_officer" and user.province_codes:
        return Scope("provinces", province_codes=tuple(user.province_codes))
    if user.role == "branch_manager" and user.branch_code:
        return Scope("branch", branch_code=user.branch_code)
    if user.role == "branch_manager" and user.postal_region_code:
        return Scope("postal_region", postal_region_code=user.postal_region_code)
    # A scoped role without a scope sees nothing rather than everything.
    raise PermissionDenied("error.no_scope", role=user.role)


def scope_label(user: User) -> dict:
    scope = scope_of(user)
    if scope.kind == "provinces":
        return {"kind": "provinces", "codes": list(scope.province_codes)}
    if scope.kind == "branch":
        return {"kind": "branch", "code": scope.branch_code}
    if scope.kind == "postal_region":
        return {"kind": "postal_region", "code": scope.postal_region_code}
    return {"kind": "national"}
