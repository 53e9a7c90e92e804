"""The app shell through AppTest: every page for every role, the navigation each role gets,
and the pages/ pitfall (a page file run on its own shows the sign-in form and no data)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from dashboard import i18n
from dashboard.admin import accounts
from dashboard.identity import auth, authz
from tests.app.helpers import (
    PAGE_FILES,
    ROLE_PAGES,
    ROOT,
    account_of,
    nav_pages,
    new_app,
    seed_session,
    shows_data,
    shows_sign_in_form,
    sign_in,
    signed_in_app,
)
from warehouse import ops
from warehouse.lake import connect_reader
from warehouse.ops_schema import auth_session

TH = "th"


def th(key: str, **params: object) -> str:
    return i18n.translate(key, TH, **params)


def test_anonymous_visitor_gets_only_the_sign_in_screen(app_env) -> None:
    at = new_app().run()
    assert not at.exception
    assert shows_sign_in_form(at)
    assert not shows_data(at)
    # The visible navigation is the sign-in screen; page URLs are hidden sign-in aliases.
    assert nav_pages(at)[0] == ""
    assert [t.value for t in at.title] == [th("app.title")]


@pytest.mark.parametrize("page_file", PAGE_FILES)
def test_page_file_run_alone_by_anonymous_shows_sign_in_and_no_data(
    app_env, page_file: str
) -> None:
    """What Streamlit's legacy page-folder mode does for a deep link before st.navigation."""
    at = new_app(ROOT / "pages" / page_file).run()
    assert not at.exception
    assert shows_sign_in_form(at)
    assert not shows_data(at)


@pytest.mark.parametrize("page_file", ["users.py", "data_loads.py", "audit_log.py"])
def test_page_file_run_alone_refuses_a_role_without_the_page(
    app_env, demo_accounts, page_file: str
) -> None:
    username, password = account_of(demo_accounts, "ministry")
    at = new_app(ROOT / "pages" / page_file)
    seed_session(at, username, password)
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [th("error.permission_denied")]
    assert not shows_data(at)


@pytest.mark.parametrize(
    "username",
    [
        "demo.ministry",
        "demo.officer",
        "demo.phangnga",
        "demo.branch",
        "demo.payments",
        "demo.admin",
    ],
)
def test_each_role_sees_exactly_its_pages_and_each_page_renders(
    app_env, demo_accounts, username: str
) -> None:
    _, password, role = demo_accounts[username]
    at = signed_in_app(username, password)
    assert not at.exception
    assert not shows_sign_in_form(at)
    expected = ROLE_PAGES[role]
    # The first page is the default one: its URL is the app's root.
    assert nav_pages(at) == ["", *expected[1:]]
    # Home: the role's live figures, as numbers, and the chart.
    assert [t.value for t in at.title] == [th("nav.home")]
    assert len(at.metric) >= 4
    assert all(any(ch.isdigit() for ch in m.value) for m in at.metric)
    assert at.get("plotly_chart")
    for page in expected[1:]:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, page
        assert [t.value for t in at.title] == [th(f"nav.{page}")]
        assert not at.error, [e.value for e in at.error]


def test_provincial_officer_sees_their_province_named(app_env, demo_accounts) -> None:
    _, password, _ = demo_accounts["demo.phangnga"]
    at = signed_in_app("demo.phangnga", password)
    assert "จังหวัดพังงา" in " ".join(c.value for c in at.caption)


def test_wrong_password_gets_the_generic_message_and_so_does_the_sixth_right_try(
    app_env, demo_accounts
) -> None:
    """One answer for every failure, throttled or not: nothing tells a name exists."""
    username, password = account_of(demo_accounts, "payments_officer")
    at = new_app().run()
    for _ in range(auth.MAX_FAILED_SIGN_INS):
        sign_in(at, username, "not-the-password")
        assert [e.value for e in at.error] == [th("auth.sign_in_failed")]
    sign_in(at, "no.such.user", "whatever-it-is")
    assert [e.value for e in at.error] == [th("auth.sign_in_failed")]
    sign_in(at, username, password)  # this client is blocked now, right password or not
    assert [e.value for e in at.error] == [th("auth.sign_in_failed")]
    assert shows_sign_in_form(at) and not shows_data(at)


def test_language_switch_persists_and_changes_the_ui(app_env, demo_accounts) -> None:
    username, password = account_of(demo_accounts, "ministry")
    at = signed_in_app(username, password)
    at.switch_page("pages/my_account.py").run()
    at.radio[0].set_value("en").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["My account"]
    # Saved per user: a new session of the same user starts in English.
    again = signed_in_app(username, password)
    assert [t.value for t in again.title] == ["Home"]
    assert again.metric[0].label == i18n.translate("metric.active_sellers", "en")


def test_sign_out_returns_to_the_sign_in_screen(app_env, demo_accounts) -> None:
    username, password = account_of(demo_accounts, "branch_manager")
    at = signed_in_app(username, password)
    at.sidebar.button(key="sign_out").click().run()
    assert not at.exception
    assert shows_sign_in_form(at)
    assert not shows_data(at)
    assert [i.value for i in at.info] == [th("auth.signed_out")]


def test_idle_session_expires(app_env, demo_accounts) -> None:
    username, password = account_of(demo_accounts, "ministry")
    at = signed_in_app(username, password)
    # The idle minutes pass (the session row's idle expiry moves into the past).
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with ops.write(ops.engine()) as conn:
        conn.execute(update(auth_session).values(idle_expires_at=past))
    at.run()
    assert shows_sign_in_form(at)
    assert not shows_data(at)
    assert [i.value for i in at.info] == [th("auth.session_expired")]


def test_a_disabled_account_falls_to_the_sign_in_at_its_next_click(app_env, demo_accounts):
    username, password = account_of(demo_accounts, "ministry")
    at = signed_in_app(username, password)
    user = auth.sign_in(username, password, session_id="t")
    accounts.set_active(authz.CLI_ACTOR, user.user_id, False)
    at.run()
    assert shows_sign_in_form(at) and not shows_data(at)
    assert [i.value for i in at.info] == [th("auth.session_revoked")]


def test_admin_adds_a_user_and_sees_the_one_time_password_once(app_env, demo_accounts) -> None:
    username, password = account_of(demo_accounts, "admin")
    at = signed_in_app(username, password)
    at.switch_page("pages/users.py").run()
    at.text_input(key="add_username").input("officer.krabi")
    at.text_input(key="add_display_name").input("เจ้าหน้าที่ กระบี่")
    at.selectbox[0].select("provincial_officer")
    at.multiselect(key="add_provinces").select("81")
    next(b for b in at.button if b.label == th("users.add_submit")).click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    [one_time] = at.get("code")
    new_password = one_time.proto.code_text
    # The account works with that password, and the password is not shown again.
    assert auth.sign_in("officer.krabi", new_password, session_id="t").province_codes == ("81",)
    at.run()
    assert not at.get("code")


def test_admin_error_is_shown_kindly(app_env, demo_accounts) -> None:
    username, password = account_of(demo_accounts, "admin")
    at = signed_in_app(username, password)
    at.switch_page("pages/users.py").run()
    at.text_input(key="add_username").input("x")  # too short
    next(b for b in at.button if b.label == th("users.add_submit")).click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [th("accounts.username_invalid", username="x")]


def test_audit_log_filters_live_in_the_url_and_restore_from_it(app_env, demo_accounts) -> None:
    username, password = account_of(demo_accounts, "admin")
    at = signed_in_app(username, password)
    at.switch_page("pages/audit_log.py")
    at.query_params.update({"action": "auth.sign_in", "since": "2020-01-01"})
    at.run()
    assert not at.exception
    assert at.selectbox(key="audit_action").value == "auth.sign_in"
    table = at.dataframe[0].value
    assert set(table[th("audit.action")]) == {th("audit.actions.auth.sign_in")}
    at.selectbox(key="audit_action").select("auth.sign_out").run()
    assert at.query_params["action"] == "auth.sign_out"
    assert at.query_params["since"] == "2020-01-01"


def test_a_shared_link_shows_nothing_before_sign_in(app_env) -> None:
    at = new_app(ROOT / "pages" / "audit_log.py")
    at.query_params.update({"action": "auth.sign_in"})
    at.run()
    assert shows_sign_in_form(at)
    assert not shows_data(at)


def test_data_loads_page_shows_what_is_in_the_warehouse(app_env, demo_accounts) -> None:
    username, password = account_of(demo_accounts, "admin")
    at = signed_in_app(username, password)
    at.switch_page("pages/data_loads.py").run()
    assert not at.exception
    assert th("loads.warehouse") in [s.value for s in at.subheader]
    shown = at.dataframe[0].value
    counts = dict(zip(shown[th("loads.table")], shown[th("loads.rows")], strict=True))
    con = connect_reader(app_env)
    try:
        orders = con.execute("select count(*) from fct_order").fetchone()[0]
    finally:
        con.close()
    assert orders > 0
    assert str(counts["fct_order"]).replace(",", "") == str(orders)
