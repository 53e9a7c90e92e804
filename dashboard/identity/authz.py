"""Who may see which data and do what: every role and scope rule, in one place.

Services call these; pages never decide. The page each role may open is in the page
registry (``dashboard.registry``), built from the role groups below.

| role | data scope | acts on |
|---|---|---|
| ministry | national, read-only | nothing |
| provincial_officer | their provinces | applications and listings of their provinces |
| branch_manager | their branch, or every branch of their postal region | — |
| payments_officer | national | — |
| admin | national | everything |
| system (the command line) | national | everything an admin may |

``current()`` re-reads the account on each service call, so a disabled account or a
changed role or scope takes effect at once, not at the next sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.errors import NotSignedIn, PermissionDenied
from dashboard.identity.user import CLI_ACTOR, SYSTEM_ROLE, User, load_user
from warehouse.ops_schema import ROLES
from warehouse.settings import Settings

# --- role groups (the registry and the domains use these names) ---------------------------

EVERYONE = frozenset(ROLES)
ADMINS = frozenset({"admin"})
# Roles that see the whole country's data.
NATIONAL_ROLES = frozenset({"ministry", "payments_officer", "admin", SYSTEM_ROLE})
# Roles that may act on every province's records.
ALL_PROVINCE_ACTORS = frozenset({"admin", SYSTEM_ROLE})
# Onboarding: the provincial offices act (admins anywhere); the ministry only reads.
ONBOARDING_ACTORS = frozenset({"provincial_officer", "admin", SYSTEM_ROLE})
ONBOARDING_VIEWERS = ONBOARDING_ACTORS | {"ministry"}
# Payments (issue 9): payments officers and admins act, nationally; branch managers see
# the COD custody of their branch or region only (dashboard.payments.custody).
PAYMENTS_ACTORS = frozenset({"payments_officer", "admin", SYSTEM_ROLE})
PAYMENTS_VIEWERS = PAYMENTS_ACTORS
COD_CUSTODY_VIEWERS = PAYMENTS_ACTORS | {"branch_manager"}
# Logistics: branch managers (their branch or postal region) and admins see the delivery
# pages; the ministry reads a national summary only.
LOGISTICS_VIEWERS = frozenset({"branch_manager", "admin", SYSTEM_ROLE})
LOGISTICS_SUMMARY_VIEWERS = LOGISTICS_VIEWERS | {"ministry"}
# Impact: the programme's figures, national and read-only (the command line counts as admin).
IMPACT_VIEWERS = frozenset({"ministry", "admin"})


@dataclass(frozen=True)
class Scope:
    """The data a user may see: national, some provinces, a branch, or a postal region."""

    kind: str  # "national" | "provinces" | "branch" | "postal_region"
    province_codes: tuple[str, ...] = ()
    branch_code: str | None = None
    postal_region_code: str | None = None


def signed_in(user: User | None) -> User:
    """The user, or NotSignedIn when there is none."""
    if user is None:
        raise NotSignedIn()
    return user


def current(user: User | None, settings: Settings | None = None) -> User:
    """The acting user as the ops DB has it now; NotSignedIn when gone or disabled."""
    user = signed_in(user)
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
    if user.role in NATIONAL_ROLES:
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


# --- provinces: onboarding and every other province-scoped view ---------------------------


def visible_provinces(user: User | None, viewers: frozenset[str]) -> tuple[str, ...] | None:
    """The provinces ``user`` may see among ``viewers``' data; None means every province.

    A role outside ``viewers`` is refused: it has no business with that data.
    """
    user = signed_in(user)
    if user.role not in viewers:
        raise PermissionDenied("onboarding.scope.role_not_allowed", role=user.role)
    if user.role in NATIONAL_ROLES:
        return None
    return tuple(user.province_codes)


def may_act_in(user: User | None, province_code: str, actors: frozenset[str]) -> bool:
    """Whether ``user`` (one of ``actors``) may act on a record of ``province_code``."""
    if user is None or user.role not in actors:
        return False
    return user.role in ALL_PROVINCE_ACTORS or province_code in user.province_codes


def acting_provinces(user: User | None, actors: frozenset[str]) -> tuple[str, ...] | None:
    """The provinces ``user`` may act in (fresh from the DB); None means all. Read-only
    roles are refused."""
    user = current(user)
    if user.role not in actors:
        raise PermissionDenied("onboarding.scope.read_only", role=user.role)
    return None if user.role in ALL_PROVINCE_ACTORS else tuple(user.province_codes)
