"""The queue and office pages as an officer uses them, with 5,000 pending applications.

Run: .venv/bin/pytest tests/app/test_scale_pages.py -m slow -s -p no:cacheprovider

Each figure is one whole page run (entrypoint, navigation, services, rendering) as AppTest
drives it after a click: what the officer waits for. No timing assert (machines differ);
the target is 1 s per interaction on the project machine. The service-level figures are in
tests/onboarding/test_scale.py.
"""

from __future__ import annotations

import time

import geothai
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.admin import accounts
from dashboard.identity import authz
from dashboard.onboarding import sheets
from tests.app.helpers import ENTRYPOINT, sign_in
from tests.onboarding.helpers import make_pin

PENDING = 5_000
PROVINCE = "50"  # Chiang Mai, the demo officer's province: the demo lake has its sales
HEADER = (
    "seller_type,name_th,national_id,ce_registration_code,count_members,phone,bank_code,"
    "bank_account_no,province_code,district_code,subdistrict_code,postal_code,submitted_at"
)


def _sheet(n: int) -> bytes:
    """n valid community-enterprise applications spread over five districts."""
    places = []
    for district in geothai.districts(PROVINCE)[:5]:
        sub = geothai.subdistricts(district.code)[0]
        places.append((district.code, sub.code, sub.postal_codes[0]))
    lines = [HEADER]
    for i in range(n):
        district, sub, postal = places[i % len(places)]
        lines.append(
            f"community_enterprise,กลุ่มทดสอบ {i},{make_pin(f'39{i:010d}')},"
            f"4-{PROVINCE}-01-01/1-{i:04d},{7 + i % 20},08{i:08d},034,{i:012d},"
            f"{PROVINCE},{district},{sub},{postal},{1 + i % 28:02d}/{1 + i % 12:02d}/2568"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def _timed(label: str, step, runs: int = 3) -> AppTest:
    """Best and worst of ``runs`` repetitions of one interaction (each a fresh rerun)."""
    times = []
    at = None
    for _ in range(runs):
        t0 = time.perf_counter()
        at = step()
        times.append(time.perf_counter() - t0)
        assert not at.exception, [e.value for e in at.exception]
    print(f"{label:<44} best {min(times) * 1000:7.0f} ms  worst {max(times) * 1000:7.0f} ms")
    return at


def seed_pending() -> str:
    """5,000 pending applications in PROVINCE and its officer ``scale.officer``, through the
    services (the ops DB of the environment); the officer's password."""
    preview = sheets.preview_spreadsheet(authz.CLI_ACTOR, _sheet(PENDING), "cm.csv")
    assert len(preview.good) == PENDING, preview.bad[:3]
    sheets.confirm_import(authz.CLI_ACTOR, preview)
    _, password = accounts.create_user(
        authz.CLI_ACTOR,
        username="scale.officer",
        display_name="scale.officer",
        role="provincial_officer",
        province_codes=(PROVINCE,),
    )
    return password


@pytest.mark.slow
def test_queue_and_office_pages_with_5000_pending(app_env) -> None:
    password = seed_pending()
    at = sign_in(
        AppTest.from_file(str(ENTRYPOINT), default_timeout=120).run(), "scale.officer", password
    )
    print()

    def open_queue() -> AppTest:
        at.switch_page("pages/applications.py")
        return at.run()

    at = _timed("applications page, open (all pending)", open_queue)
    assert at.dataframe[0].value.shape[0] >= PENDING
    district = geothai.districts(PROVINCE)[2].code
    _timed(
        "filter by district",
        lambda: at.selectbox(key="app_district").select(district).run(),
    )
    first = at.dataframe[0].value.iloc[0, 0]
    _timed("open one application", lambda: at.text_input(key="app_open_id").input(first).run())
    _timed(
        "filter: only flagged",
        lambda: at.selectbox(key="app_flag").select("flagged").run(),
    )

    def open_office() -> AppTest:
        at.switch_page("pages/office.py")
        return at.run()

    at = _timed("office page, open", open_office)
    by_status = at.dataframe[0].value
    assert by_status.iloc[:, 1].astype(str).str.replace(",", "").tolist() == [str(PENDING)]
