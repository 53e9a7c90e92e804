"""What the AppTest suites share: the roles' pages as the tests expect them, driving the
real entrypoint and page files, and the onboarding records the demo officers start with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard import i18n
from dashboard.identity import auth, authz, sessions
from dashboard.identity.user import User
from dashboard.onboarding import checklist, imports, listing_import, workflow
from dashboard.ui.session import SESSION_KEY
from tests.onboarding.helpers import address, make_pin

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "streamlit_app.py"
PAGE_FILES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
# Warehouse queries take longer than AppTest's default 3 s.
TIMEOUT_S = 60

# What each role must see in its navigation, in order (issue #3). Written out here rather
# than read from dashboard.authz, so a change to the rules has to change this test too.
EVERYONE = ["home", "my_account"]
ONBOARDING = ["applications", "application_import", "listings", "office"]
PAYMENTS = [
    "payment_health",
    "settlement",
    "reconciliation",
    "exception_queue",
    "payouts",
    "cod_custody",
]  # payments (issue 9)
LOGISTICS = ["deliveries", "branch_performance", "delivery_map", "cold_chain"]
ROLE_PAGES = {
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


def account_of(demo_accounts: dict, role: str) -> tuple[str, str]:
    username, password, _ = next(a for a in demo_accounts.values() if a[2] == role)
    return username, password


def seed_session(at: AppTest, username: str, password: str) -> None:
    """Sign ``username`` in for a run of ``at`` that starts past the sign-in form (a page
    file run on its own): a real session row, as the sign-in form would make."""
    user = auth.sign_in(username, password, session_id="t")
    at.session_state[SESSION_KEY] = sessions.start(user, method="password").public_id


def new_app(path: Path = ENTRYPOINT) -> AppTest:
    return AppTest.from_file(str(path), default_timeout=TIMEOUT_S)


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(password)
    submit = next(b for b in at.button if b.label == i18n.translate("auth.sign_in", "th"))
    return submit.click().run()


def signed_in_app(username: str, password: str) -> AppTest:
    return sign_in(new_app().run(), username, password)


def nav_pages(at: AppTest) -> list[str]:
    """The url paths of the navigation the last run built (the default page's is "")."""
    # AppTest keeps what st.navigation registered; there is no public accessor for it.
    return [info["url_pathname"] for info in at._registered_pages.values()]


def shows_sign_in_form(at: AppTest) -> bool:
    keys = {w.key for w in at.text_input}
    return {"sign_in_username", "sign_in_password"} <= keys


def shows_data(at: AppTest) -> bool:
    """Any figure, table, chart or download: what a page shows once past its guard."""
    return bool(
        len(at.metric)
        or len(at.dataframe)
        or at.get("plotly_chart")
        or at.get("download_button")
        or at.get("code")
    )


@dataclass(frozen=True)
class Seeded:
    """Applications made for the demo officers: Chiang Mai (50) and Phang Nga (82)."""

    clean: str  # 50, every document accepted, no flag: ready to approve
    flagged: str  # 50, same national ID as ``twin``
    plain: str  # 50, documents not yet checked
    twin: str  # 82, same national ID as ``flagged``
    phangnga: str  # 82
    shared_national_id: str


def seed_application(province: str, n: int, **overrides: object) -> dict:
    return {
        "seller_type": "community_enterprise",
        "name_th": f"วิสาหกิจชุมชนบ้านทดสอบ {n}",
        "name_en": f"Ban Thotsop community enterprise {n}",
        "national_id": make_pin(f"31{n:010d}"),
        "ce_registration_code": f"4-{province}-01-01/1-{n:04d}",
        "count_members": 12,
        "phone": f"081{n:07d}",
        "bank_code": "034",
        "bank_account_no": f"{n:012d}",
        **address(province),
        **overrides,
    }


def _accept_all(officer: User, application_id: str) -> None:
    app = workflow.get(officer, application_id)
    for item in checklist.required_documents(
        app["seller_type"], has_juristic_id=bool(app["juristic_id"])
    ):
        workflow.set_document(officer, application_id, item, "accepted")


def seed_onboarding(chiang_mai: User, phang_nga: User) -> Seeded:
    """What `postmart demo` brings in (the lake's applications and listings), plus
    applications of the demo officers' provinces made through the services."""
    imports.import_from_lake(authz.CLI_ACTOR)
    listing_import.import_from_lake(authz.CLI_ACTOR)
    create = imports.create_application
    clean = create(chiang_mai, seed_application("50", 101))["application_id"]
    _accept_all(chiang_mai, clean)
    shared = make_pin("310000000777")
    flagged = create(chiang_mai, seed_application("50", 102, national_id=shared))["application_id"]
    plain = create(chiang_mai, seed_application("50", 103))["application_id"]
    twin = create(phang_nga, seed_application("82", 104, national_id=shared))["application_id"]
    phangnga = create(phang_nga, seed_application("82", 105))["application_id"]
    return Seeded(clean, flagged, plain, twin, phangnga, shared)
