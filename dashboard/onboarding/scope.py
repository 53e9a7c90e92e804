"""Who may see and act on onboarding records, by role and province.

Enforced here, in the services, never only by hiding a widget: a provincial officer sees
and acts on the provinces in their scope; an admin everywhere; a ministry user sees every
province and never acts; other roles have no business in onboarding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dashboard.errors import NotSignedIn, PermissionDenied

if TYPE_CHECKING:
    from dashboard.auth import User

# "system" is the command line (authz.CLI_ACTOR): it already holds the DB, so it may do
# what an admin may.
ACTING_ROLES = frozenset({"provincial_officer", "admin", "system"})
VIEWING_ROLES = frozenset({"provincial_officer", "admin", "ministry", "system"})
NATIONAL_ROLES = frozenset({"admin", "ministry", "system"})
ALL_PROVINCE_ACTORS = frozenset({"admin", "system"})


def _signed_in(user: User | None) -> User:
    if user is None:
        raise NotSignedIn()
    return user


def visible_provinces(user: User | None) -> tuple[str, ...] | None:
    """The provinces the user may see; None means every province."""
    user = _signed_in(user)
    if user.role not in VIEWING_ROLES:
        raise PermissionDenied("onboarding.scope.role_not_allowed", role=user.role)
    if user.role in NATIONAL_ROLES:
        return None
    return tuple(user.province_codes)


def can_see(user: User | None, province_code: str) -> bool:
    provinces = visible_provinces(user)
    return provinces is None or province_code in provinces


def can_act(user: User | None, province_code: str) -> bool:
    if user is None or user.role not in ACTING_ROLES:
        return False
    return user.role in ALL_PROVINCE_ACTORS or province_code in user.province_codes


def require_view(user: User | None, province_code: str) -> User:
    user = _signed_in(user)
    if not can_see(user, province_code):
        raise PermissionDenied(
            "onboarding.scope.province_not_in_scope", province_code=province_code
        )
    return user


def _fresh(user: User | None) -> User:
    """The user as the ops DB has it now: a disabled account or a changed scope takes effect
    on the next action, not at the next sign-in."""
    from dashboard import authz

    return authz.current(_signed_in(user))


def require_act(user: User | None, province_code: str) -> User:
    user = _fresh(user)
    if user.role not in ACTING_ROLES:
        raise PermissionDenied("onboarding.scope.read_only", role=user.role)
    if not can_act(user, province_code):
        raise PermissionDenied(
            "onboarding.scope.province_not_in_scope", province_code=province_code
        )
    return user


def acting_provinces(user: User | None) -> tuple[str, ...] | None:
    """Provinces the user may act in; None means all (admin). Raises for read-only roles."""
    user = _fresh(user)
    if user.role not in ACTING_ROLES:
        raise PermissionDenied("onboarding.scope.read_only", role=user.role)
    return None if user.role in ALL_PROVINCE_ACTORS else tuple(user.province_codes)
