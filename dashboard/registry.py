"""The page registry: every screen of the app, once.

Navigation (sections, titles, icons, order), the page guard, the sign-in aliases of deep
links and the per-page tests are all derived from ``PAGES``. A new page is one entry here
and its module ``pages/<key>.py``; its title is the catalog key ``nav.<key>`` and its
section ``nav.section.<section>``.

Which role may open which page is decided here, from the role groups of
``identity.authz``; what a page then shows is decided again by its services.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.errors import NotSignedIn, PermissionDenied
from dashboard.identity import authz
from dashboard.identity.user import User


@dataclass(frozen=True)
class PageSpec:
    key: str  # url path and module name (pages/<key>.py)
    section: str  # catalog key nav.section.<section>
    icon: str  # material icon
    roles: frozenset[str]

    @property
    def title_key(self) -> str:
        return f"nav.{self.key}"

    @property
    def section_key(self) -> str:
        return f"nav.section.{self.section}"


_ONBOARDING_ACTORS = authz.ONBOARDING_ACTORS - {authz.SYSTEM_ROLE}
_ONBOARDING_VIEWERS = authz.ONBOARDING_VIEWERS - {authz.SYSTEM_ROLE}
_PAYMENTS = authz.PAYMENTS_VIEWERS - {authz.SYSTEM_ROLE}  # payments (issue 9)
_COD_CUSTODY = authz.COD_CUSTODY_VIEWERS - {authz.SYSTEM_ROLE}
_LOGISTICS_VIEWERS = authz.LOGISTICS_VIEWERS - {authz.SYSTEM_ROLE}
_LOGISTICS_SUMMARY = frozenset({"ministry", "admin"})

# In navigation order.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("home", "overview", ":material/dashboard:", authz.EVERYONE),
    PageSpec("applications", "onboarding", ":material/assignment_ind:", _ONBOARDING_ACTORS),
    PageSpec("application_import", "onboarding", ":material/post_add:", _ONBOARDING_ACTORS),
    PageSpec("listings", "onboarding", ":material/storefront:", _ONBOARDING_ACTORS),
    PageSpec("office", "onboarding", ":material/insights:", _ONBOARDING_VIEWERS),
    # payments (issue 9)
    PageSpec("payment_health", "payments", ":material/monitor_heart:", _PAYMENTS),
    PageSpec("settlement", "payments", ":material/account_balance_wallet:", _PAYMENTS),
    PageSpec("reconciliation", "payments", ":material/account_balance:", _PAYMENTS),
    PageSpec("exception_queue", "payments", ":material/rule:", _PAYMENTS),
    PageSpec("payouts", "payments", ":material/send_money:", _PAYMENTS),
    PageSpec("cod_custody", "payments", ":material/payments:", _COD_CUSTODY),
    # logistics
    PageSpec("deliveries", "logistics", ":material/local_shipping:", _LOGISTICS_VIEWERS),
    PageSpec("branch_performance", "logistics", ":material/leaderboard:", _LOGISTICS_VIEWERS),
    PageSpec("delivery_map", "logistics", ":material/map:", _LOGISTICS_VIEWERS),
    PageSpec("cold_chain", "logistics", ":material/ac_unit:", _LOGISTICS_VIEWERS),
    PageSpec("delivery_summary", "logistics", ":material/public:", _LOGISTICS_SUMMARY),
    # impact
    PageSpec("impact", "impact", ":material/monitoring:", authz.IMPACT_VIEWERS),
    PageSpec("my_account", "account", ":material/account_circle:", authz.EVERYONE),
    PageSpec("users", "admin", ":material/manage_accounts:", authz.ADMINS),
    PageSpec("data_loads", "admin", ":material/upload_file:", authz.ADMINS),
    PageSpec("audit_log", "admin", ":material/history:", authz.ADMINS),
)
PAGE_KEYS: tuple[str, ...] = tuple(p.key for p in PAGES)
_BY_KEY = {p.key: p for p in PAGES}


def page(key: str) -> PageSpec | None:
    return _BY_KEY.get(key)


def allowed_pages(user: User) -> list[str]:
    """The keys of the pages ``user``'s role may open, in navigation order."""
    return [p.key for p in PAGES if user.role in p.roles]


def require_page(user: User | None, page_key: str) -> User:
    """``user`` when their role may open the page; NotSignedIn or PermissionDenied."""
    if user is None:
        raise NotSignedIn()
    spec = _BY_KEY.get(page_key)
    if spec is None or user.role not in spec.roles:
        raise PermissionDenied(page=page_key)
    return user


def sections(user: User) -> dict[str, list[PageSpec]]:
    """The user's pages grouped by section (catalog key), sections in first-use order."""
    out: dict[str, list[PageSpec]] = {}
    for spec in PAGES:
        if user.role in spec.roles:
            out.setdefault(spec.section_key, []).append(spec)
    return out
