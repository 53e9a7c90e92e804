"""Who may see and act on onboarding records: the rules of ``identity.authz`` applied to
the onboarding roles (``ONBOARDING_VIEWERS``, ``ONBOARDING_ACTORS``).

Enforced here, in the services, never only by hiding a widget: a provincial officer sees
and acts on the provinces in their scope; an admin everywhere; a ministry user sees every
province and never acts; other roles have no business in onboarding.

A record of a province the user may not see answers exactly as a record that does not
exist (``NotFound``): "not in your province" would tell an officer which ids exist
elsewhere.
"""

from __future__ import annotations

from dashboard.errors import NotFound, PermissionDenied
from dashboard.identity import authz
from dashboard.identity.user import User

VIEWERS = authz.ONBOARDING_VIEWERS
ACTORS = authz.ONBOARDING_ACTORS


def visible_provinces(user: User | None) -> tuple[str, ...] | None:
    """The provinces the user may see; None means every province."""
    return authz.visible_provinces(user, VIEWERS)


def can_see(user: User | None, province_code: str) -> bool:
    provinces = visible_provinces(user)
    return provinces is None or province_code in provinces


def can_act(user: User | None, province_code: str) -> bool:
    return authz.may_act_in(user, province_code, ACTORS)


def require_view(user: User | None, province_code: str, not_found: NotFound) -> User:
    """The user, when they may see a record of ``province_code``; else ``not_found`` —
    the same answer as for a record that does not exist."""
    user = authz.signed_in(user)
    if not can_see(user, province_code):
        raise not_found
    return user


def require_act(user: User | None, province_code: str, not_found: NotFound | None = None) -> User:
    """The fresh user, when they may act on a record of ``province_code``.

    For an existing record pass ``not_found``: a record the user may not even see is
    refused as missing. Without it (a new record the user is filing in a province they
    chose) the province is named in the refusal.
    """
    user = authz.current(user)
    if not_found is not None and not can_see(user, province_code):
        raise not_found
    if user.role not in ACTORS:
        raise PermissionDenied("onboarding.scope.read_only", role=user.role)
    if not can_act(user, province_code):
        raise PermissionDenied(
            "onboarding.scope.province_not_in_scope", province_code=province_code
        )
    return user


def acting_provinces(user: User | None) -> tuple[str, ...] | None:
    """Provinces the user may act in; None means all (admin). Raises for read-only roles."""
    return authz.acting_provinces(user, ACTORS)
