"""The onboarding pages through AppTest: each page for each role (rendered, or refused),
the queue scoped to the officer's province, an application's checks and duplicate flag,
bulk approval after its confirmation listing, a listing decision, and the office view."""

from __future__ import annotations

import pytest

from dashboard import i18n
from dashboard.identity import auth
from dashboard.identity.user import User
from dashboard.onboarding import listings, queue, workflow
from dashboard.ui.text import escape_markdown
from tests.app.helpers import (
    ROLE_PAGES,
    ROOT,
    account_of,
    new_app,
    seed_application,
    seed_session,
    shows_data,
    shows_sign_in_form,
    signed_in_app,
)

ONBOARDING_PAGES = ["applications", "application_import", "listings", "office"]


def th(key: str, **params: object) -> str:
    return i18n.translate(key, "th", **params)


def _user(demo_accounts: dict, username: str) -> User:
    _, password, _ = demo_accounts[username]
    return auth.sign_in(username, password, session_id="seed")


def _page(demo_accounts: dict, username: str, page: str):
    _, password, _ = demo_accounts[username]
    at = signed_in_app(username, password)
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _column(at, heading_key: str, index: int = 0) -> list[str]:
    return list(at.dataframe[index].value[th(heading_key)])


@pytest.mark.parametrize("role", list(ROLE_PAGES))
@pytest.mark.parametrize("page", ONBOARDING_PAGES)
def test_each_onboarding_page_renders_for_its_roles_and_refuses_the_others(
    app_env, demo_accounts, seeded, role: str, page: str
) -> None:
    username, password = account_of(demo_accounts, role)
    if page in ROLE_PAGES[role]:
        at = _page(demo_accounts, username, page)
        assert [t.value for t in at.title] == [th(f"nav.{page}")]
        assert not at.error, [e.value for e in at.error]
        return
    # The page file run on its own (a deep link before st.navigation) by a signed-in user
    # whose role lacks it: the refusal, and nothing read.
    at = new_app(ROOT / "pages" / f"{page}.py")
    seed_session(at, username, password)
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [th("error.permission_denied")]
    assert not shows_data(at)


@pytest.mark.parametrize("page", ONBOARDING_PAGES)
def test_onboarding_page_run_alone_by_anonymous_shows_sign_in_and_no_data(
    app_env, seeded, page: str
) -> None:
    at = new_app(ROOT / "pages" / f"{page}.py")
    at.query_params.update({"app": seeded.clean})
    at.run()
    assert not at.exception
    assert shows_sign_in_form(at)
    assert not shows_data(at)


def test_officer_queue_lists_only_their_province(app_env, demo_accounts, seeded) -> None:
    at = _page(demo_accounts, "demo.phangnga", "applications")
    ids = _column(at, "applications.id")
    assert seeded.twin in ids and seeded.phangnga in ids
    assert not {seeded.clean, seeded.flagged, seeded.plain} & set(ids)
    at = _page(demo_accounts, "demo.officer", "applications")
    ids = _column(at, "applications.id")
    assert {seeded.clean, seeded.flagged, seeded.plain} <= set(ids)
    assert seeded.twin not in ids
    # Every row is Chiang Mai's: its district names are Chiang Mai districts.
    assert all(p == "50" for p in (i.split("-")[1] for i in ids if i.startswith("OF-")))


def test_a_link_to_another_provinces_application_is_refused(app_env, demo_accounts, seeded) -> None:
    _, password, _ = demo_accounts["demo.officer"]
    at = signed_in_app("demo.officer", password)
    at.switch_page("pages/applications.py")
    at.query_params["app"] = seeded.twin
    at.run()
    assert not at.exception
    # The same answer as for an id that does not exist: nothing tells it is Phang Nga's.
    assert [e.value for e in at.error] == [
        th("onboarding.application.not_found", application_id=escape_markdown(seeded.twin))
    ]
    assert not any(seeded.twin in h.value for h in at.header)


def test_filters_restore_from_the_url_and_narrow_the_queue(app_env, demo_accounts, seeded):
    _, password, _ = demo_accounts["demo.officer"]
    at = signed_in_app("demo.officer", password)
    at.switch_page("pages/applications.py")
    at.query_params.update({"flag": "flagged"})
    at.run()
    assert at.selectbox(key="app_flag").value == "flagged"
    assert _column(at, "applications.id") == [seeded.flagged]
    at.selectbox(key="app_flag").select("unflagged").run()
    assert at.query_params["flag"] == "unflagged"
    assert seeded.flagged not in _column(at, "applications.id")


def test_application_shows_its_checks_and_its_duplicate_flag(app_env, demo_accounts, seeded):
    at = _page(demo_accounts, "demo.officer", "applications")
    at.text_input(key="app_open_id").input(seeded.flagged).run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert th("onboarding.check.national_id.ok") in text
    assert th("onboarding.check.members.ok") in text
    assert th("onboarding.match_field.national_id") in text
    assert escape_markdown(seeded.twin) in text
    # The link to the other record.
    assert th("applications.open_other", other=seeded.twin) in [b.label for b in at.button]
    assert th("onboarding.workflow.blocked.open_flags") in [w.value for w in at.warning]


def test_bulk_approval_lists_what_it_will_approve_before_it_does(
    app_env, demo_accounts, seeded
) -> None:
    at = _page(demo_accounts, "demo.officer", "applications")
    assert at.multiselect(key="bulk_ids").options == [seeded.clean]
    at.multiselect(key="bulk_ids").select(seeded.clean).run()
    at.button(key="bulk_review").click().run()
    listed = " ".join(m.value for m in at.markdown)
    assert (
        escape_markdown(seeded.clean) in listed
        and th("applications.bulk_confirm_intro", count=1) in listed
    )
    # Nothing is approved until the officer confirms.
    officer = _user(demo_accounts, "demo.officer")
    assert workflow.get(officer, seeded.clean)["status"] == "submitted"
    at.button(key="bulk_confirm").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [th("applications.bulk_done", approved=1, refused=0)]
    assert workflow.get(officer, seeded.clean)["status"] == "approved"


def test_rejecting_without_a_reason_is_refused_kindly(app_env, demo_accounts, seeded) -> None:
    at = _page(demo_accounts, "demo.officer", "applications")
    at.text_input(key="app_open_id").input(seeded.plain).run()
    at.selectbox(key=f"action_{seeded.plain}").select("reject").run()
    at.button(key="decision_submit").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [th("onboarding.workflow.reason_required")]


def test_officer_moderates_a_pending_listing(app_env, demo_accounts, seeded) -> None:
    officer = _user(demo_accounts, "demo.officer")
    pending = listings.moderation_queue(officer)
    assert pending.height, "the demo has pending listings in Chiang Mai"
    listing_id, version = pending.row(0)[:2]
    at = _page(demo_accounts, "demo.officer", "listings")
    at.session_state["listing_open"] = f"{listing_id}/{version}"  # its row, selected
    at.run()
    assert at.header[0].value.startswith(listing_id)
    at.button(key="listing_submit").click().run()
    assert not at.exception
    # the flash first; the listing stays open below it with its checks
    assert at.success[0].value == th(
        "listings.decided", id=listing_id, decision=th("onboarding.listing.decision.approve")
    )
    assert listings.get_listing(officer, listing_id)["on_sale"]["version"] == version


def test_ministry_reads_the_office_view_of_every_province(app_env, demo_accounts, seeded):
    at = _page(demo_accounts, "demo.ministry", "office")
    assert len(at.metric) == 4
    assert at.selectbox(key="office_province").value is None
    assert at.get("download_button")


def test_officer_fills_the_form_on_a_sellers_behalf(app_env, demo_accounts, seeded) -> None:
    at = _page(demo_accounts, "demo.officer", "application_import")
    data = seed_application("50", 106)
    at.selectbox(key="form_seller_type").select("community_enterprise")
    at.text_input(key="form_name_th").input(data["name_th"])
    at.text_input(key="form_national_id").input(data["national_id"])
    at.text_input(key="form_ce_code").input(data["ce_registration_code"])
    at.number_input(key="form_members").set_value(12)
    at.text_input(key="form_phone").input(data["phone"])
    at.selectbox(key="form_bank").select("034")
    at.text_input(key="form_account").input(data["bank_account_no"])
    next(b for b in at.button if b.label == th("import.form_submit")).click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    officer = _user(demo_accounts, "demo.officer")
    mine = queue.queue(officer).filter(name_th=data["name_th"])
    assert mine.height == 1, "the new application waits in the officer's queue"
    new_id = mine["application_id"].item()
    assert [s.value for s in at.success] == [th("import.created", id=escape_markdown(new_id))]
    app = workflow.get(officer, new_id)
    assert (app["source"], app["entered_by_name"], app["status"]) == (
        "officer",
        "demo.officer",
        "submitted",
    )
    assert app["national_id"] == data["national_id"] and app["province_code"] == "50"


def test_officer_suspends_an_approved_seller_with_a_reason(app_env, demo_accounts, seeded):
    officer = _user(demo_accounts, "demo.officer")
    workflow.approve(officer, seeded.clean)
    at = _page(demo_accounts, "demo.officer", "applications")
    at.selectbox(key="app_status").select("approved").run()
    at.text_input(key="app_open_id").input(seeded.clean).run()
    at.selectbox(key=f"action_{seeded.clean}").select("suspend").run()
    # the reason and the note are in the decision's form: sent with its button, one run
    reason = at.selectbox(key=f"reason_{seeded.clean}_suspend")
    reason.select(reason.options[1])
    at.text_area(key=f"decision_note_{seeded.clean}").input("ขายสินค้าที่ไม่ได้ผลิตเอง")
    at.button(key="decision_submit").click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert workflow.get(officer, seeded.clean)["status"] == "suspended"


def test_decisions_export_counts_a_new_decision(app_env, demo_accounts, seeded) -> None:
    def exported_applications() -> str:
        at = _page(demo_accounts, "demo.officer", "office")
        assert at.get("download_button")
        return next(m.value for m in at.markdown if "·" in m.value)

    before = exported_applications()
    workflow.approve(_user(demo_accounts, "demo.officer"), seeded.clean)
    after = exported_applications()
    assert before != after
    n_before = int(before.split()[1].replace(",", ""))
    assert after.split()[1].replace(",", "") == str(n_before + 1)


def test_office_lists_rejection_reasons_in_thai(app_env, demo_accounts, seeded) -> None:
    officer = _user(demo_accounts, "demo.officer")
    code, _ = workflow.reason_codes(workflow.REASON_KIND["reject"])[0]
    workflow.reject(officer, seeded.plain, code, "ไม่มีเอกสาร")
    # The reasons table's headings are distinct in Thai too (a repeated heading crashed it).
    at = _page(demo_accounts, "demo.officer", "office")
    [reasons] = [d.value for d in at.dataframe if th("office.reason_code") in d.value.columns]
    assert code in list(reasons[th("office.reason_code")])


def test_workload_counts_the_officers_decision(app_env, demo_accounts, seeded) -> None:
    officer = _user(demo_accounts, "demo.officer")
    workflow.approve(officer, seeded.clean)
    at = _page(demo_accounts, "demo.officer", "applications")
    [table] = [d.value for d in at.dataframe if th("applications.officer") in d.value.columns]
    names, counts = table[th("applications.officer")], table[th("applications.count_decided")]
    decided = dict(zip(names, counts, strict=True))
    # A number, not its text: the column sorts 9 before 10.
    assert decided[officer.username] == 1
