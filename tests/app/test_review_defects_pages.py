"""Defects of the architecture review (issue #8, item 5), on the pages through AppTest:
tables keep their numbers, disabling an account and resetting a password wait for a
confirmation, a load clears the lake caches (and closes the old reader) while an ops write
clears nothing, every CSV download carries a BOM, and the ministry's office view is
national."""

from __future__ import annotations

import collections
from pathlib import PurePosixPath

import duckdb
import pandas as pd
import pytest
import streamlit as st
from sqlalchemy import func, select
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from dashboard import i18n
from dashboard.admin import accounts, loads
from dashboard.identity import auth
from dashboard.identity.user import User
from dashboard.onboarding import listings, workflow
from dashboard.ui import lake
from dashboard.ui.text import escape_markdown
from tests.app.helpers import Seeded, signed_in_app
from warehouse import ops
from warehouse.ops_schema import users
from warehouse.ops_schema_onboarding import ob_application

BOM = b"\xef\xbb\xbf"


def th(key: str, **params: object) -> str:
    return i18n.translate(key, "th", **params)


def _user(demo_accounts: dict, username: str) -> User:
    _, password, _ = demo_accounts[username]
    return auth.sign_in(username, password, session_id="seed")


def _page(demo_accounts: dict, username: str, page: str) -> AppTest:
    _, password, _ = demo_accounts[username]
    at = signed_in_app(username, password)
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _table_with(at: AppTest, *heading_keys: str) -> pd.DataFrame:
    """The one table on the page with every one of these headings."""
    headings = {th(k) for k in heading_keys}
    [table] = [d.value for d in at.dataframe if headings <= set(d.value.columns)]
    return table


# ------------------------------------------------------------------ numbers stay numbers


def test_count_columns_are_numbers_not_text(app_env, demo_accounts, seeded: Seeded) -> None:
    at = _page(demo_accounts, "demo.officer", "office")
    by_status = _table_with(at, "applications.status", "office.count")
    by_district = _table_with(at, "applications.district", "office.count_open")
    by_month = _table_with(at, "office.month", "office.count_decided")
    counts = [
        by_status[th("office.count")],
        by_district[th("office.count")],
        by_district[th("office.count_open")],
        by_month[th("office.count_submitted")],
        by_month[th("office.count_decided")],
    ]
    for column in counts:
        assert pd.api.types.is_integer_dtype(column.dtype), (column.name, column.dtype)

    # The workload table (it lists officers with a decision in its window).
    workflow.approve(_user(demo_accounts, "demo.officer"), seeded.clean)
    at = _page(demo_accounts, "demo.officer", "applications")
    workload = _table_with(at, "applications.officer", "applications.count_decided")
    for column in workload.columns[1:]:
        assert pd.api.types.is_integer_dtype(workload[column].dtype), (column, workload.dtypes)


# ------------------------------------------------------------------ confirmations


def _account(admin: User, username: str) -> dict:
    table = accounts.list_users(admin)
    return table.row(table["username"].to_list().index(username), named=True)


def _password_hash(username: str) -> str:
    with ops.read(ops.engine()) as conn:
        return conn.execute(
            select(users.c.password_hash).where(users.c.username == username)
        ).scalar_one()


def _users_page_on(demo_accounts: dict, username: str) -> AppTest:
    at = _page(demo_accounts, "demo.admin", "users")
    at.selectbox(key="edit_pick").select(username).run()
    assert not at.exception
    return at


def test_disabling_a_user_waits_for_the_confirmation(app_env, demo_accounts) -> None:
    admin = _user(demo_accounts, "demo.admin")
    at = _users_page_on(demo_accounts, "demo.ministry")
    at.button(key="disable").click().run()
    # The dialog asks, and the account is still active.
    assert at.button(key="confirm_disable") and at.button(key="cancel_disable")
    assert th("users.confirm_disable", username=escape_markdown("demo.ministry")) in [
        m.value for m in at.markdown
    ]
    assert _account(admin, "demo.ministry")["is_active"]

    at.button(key="cancel_disable").click().run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "confirm_disable"]
    assert _account(admin, "demo.ministry")["is_active"]

    at.button(key="disable").click().run()
    at.button(key="confirm_disable").click().run()
    assert not at.exception
    assert not _account(admin, "demo.ministry")["is_active"]
    assert [s.value for s in at.success] == [
        th("users.disabled", username=escape_markdown("demo.ministry"))
    ]


def test_resetting_a_password_waits_for_the_confirmation(app_env, demo_accounts) -> None:
    before = _password_hash("demo.ministry")
    at = _users_page_on(demo_accounts, "demo.ministry")
    at.button(key="reset_password").click().run()
    assert at.button(key="confirm_reset") and at.button(key="cancel_reset")
    assert _password_hash("demo.ministry") == before
    assert not at.get("code")  # no new password shown

    at.button(key="cancel_reset").click().run()
    assert _password_hash("demo.ministry") == before

    at.button(key="reset_password").click().run()
    at.button(key="confirm_reset").click().run()
    assert not at.exception
    assert _password_hash("demo.ministry") != before
    [one_time] = at.get("code")
    assert auth.sign_in("demo.ministry", one_time.proto.code_text, session_id="t")


# ------------------------------------------------------------------ targeted cache clearing

_calls: collections.Counter[str] = collections.Counter()


@lake.lake_cache
def _lake_figure(tag: str) -> int:
    _calls["lake"] += 1
    return _calls["lake"]


@st.cache_data(show_spinner=False)
def _other_figure(tag: str) -> int:
    _calls["other"] += 1
    return _calls["other"]


def test_a_load_clears_the_lake_caches_and_an_ops_write_does_not(
    app_env, demo_accounts, seeded: Seeded
) -> None:
    _calls.clear()
    assert (_lake_figure("t"), _lake_figure("t"), _other_figure("t")) == (1, 1, 1)
    reader = lake.reader()
    assert lake.reader() is reader

    # An ops write through a page (a listing decision) leaves the lake's caches alone.
    officer = _user(demo_accounts, "demo.officer")
    listing_id, version = listings.moderation_queue(officer).row(0)[:2]
    at = _page(demo_accounts, "demo.officer", "listings")
    at.session_state["listing_open"] = f"{listing_id}/{version}"
    at.run()
    at.button(key="listing_submit").click().run()
    assert not at.exception
    assert listings.get_listing(officer, listing_id)["on_sale"]["version"] == version
    assert _lake_figure("t") == 1 and _calls["lake"] == 1
    assert lake.reader() is reader
    assert reader.execute("select 1").fetchone() == (1,)

    # A load: the lake figures are read again, the old reader is closed, other caches stay.
    lake.lake_changed()
    assert _lake_figure("t") == 2
    assert _other_figure("t") == 1
    with pytest.raises(duckdb.ConnectionException):
        reader.execute("select 1")
    fresh = lake.reader()
    assert fresh is not reader
    assert fresh.execute("select 1").fetchone() == (1,)


# ------------------------------------------------------------------ a BOM in every CSV


@pytest.fixture
def media_managers(monkeypatch: pytest.MonkeyPatch) -> list[MediaFileManager]:
    """The media file manager of each AppTest run (AppTest makes one per run and keeps no
    handle on it), so a test can read what a download button would send."""
    made: list[MediaFileManager] = []

    class Recorded(MediaFileManager):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(app_test_module, "MediaFileManager", Recorded)
    return made


def _downloaded(manager: MediaFileManager, button) -> tuple[str, bytes]:
    """The file name and bytes a click on ``button`` downloads (a deferred one's callable
    run as a click runs it)."""
    url = button.proto.url
    if button.proto.deferred_file_id:
        url = manager.execute_deferred(button.proto.deferred_file_id)
    assert url, button.label
    file = manager.read_file(PurePosixPath(url).name)
    return file.filename or "", file.content


def test_every_csv_download_starts_with_a_bom(
    app_env, demo_accounts, seeded: Seeded, media_managers: list[MediaFileManager]
) -> None:
    at = _page(demo_accounts, "demo.officer", "office")
    by_label = {b.label: b for b in at.get("download_button")}
    for name in ("application_decisions", "listing_decisions"):
        file_name, data = _downloaded(
            media_managers[-1], by_label[th(f"office.download_{name}_csv")]
        )
        assert file_name.startswith(name) and file_name.endswith(".csv")
        assert data.startswith(BOM), file_name
        data.decode("utf-8")  # Thai headings and names intact
    # The JSON beside them is for programs: no BOM.
    _, data = _downloaded(
        media_managers[-1], by_label[th("office.download_application_decisions_json")]
    )
    assert not data.startswith(BOM)

    at = _page(demo_accounts, "demo.admin", "audit_log")
    [button] = at.get("download_button")
    file_name, data = _downloaded(media_managers[-1], button)
    assert file_name == "audit-log.csv"
    assert data.startswith(BOM)
    assert b"auth.sign_in" in data

    # The quarantine's download (data loads) through the function the page calls: the demo
    # lake has no quarantined load, so its rows come from a lake of one table here.
    con = duckdb.connect()
    con.execute(
        "create table etl_quarantine as select 'L1' as load_id, 'orders' as feed, "
        "'orders.csv' as file_name, 3::bigint as line_no, 'buyer_name' as field, "
        "'=HYPERLINK(\"x\")' as value, 'bad_text' as reason_code, "
        "'ชื่อผู้ซื้อไม่ถูกต้อง' as reason, '{}' as record"
    )
    data = loads.quarantine_csv(_user(demo_accounts, "demo.admin"), "L1", lake=con)
    con.close()
    assert data.startswith(BOM)
    text = data[len(BOM) :].decode("utf-8")
    assert "ชื่อผู้ซื้อไม่ถูกต้อง" in text and "'=HYPERLINK" in text


# ------------------------------------------------------------------ national office figures


def _ops_counts() -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    a = ob_application
    with ops.read(ops.engine()) as conn:
        national = dict(conn.execute(select(a.c.status, func.count()).group_by(a.c.status)).all())
        by_province = {
            (status, province): n
            for province, status, n in conn.execute(
                select(a.c.province_code, a.c.status, func.count()).group_by(
                    a.c.province_code, a.c.status
                )
            )
        }
    return national, by_province


def _headline(at: AppTest) -> dict[str, int]:
    shown = {m.label: m.value for m in at.metric}
    return {
        s: int(shown[th(f"onboarding.status.{s}")].replace(",", ""))
        for s in ("submitted", "approved", "rejected")
    }


def test_ministry_office_view_shows_national_figures(
    app_env, demo_accounts, seeded: Seeded
) -> None:
    at = _page(demo_accounts, "demo.ministry", "office")
    assert at.selectbox(key="office_province").value is None
    national, by_province = _ops_counts()
    headline = _headline(at)
    assert headline == {s: national.get(s, 0) for s in headline}
    for status, count in headline.items():
        biggest = max(n for (s, _), n in by_province.items() if s == status)
        assert count > biggest, (status, count, biggest)

    # One province chosen: that province's figures.
    at.selectbox(key="office_province").select("50").run()
    assert not at.exception
    assert _headline(at) == {s: by_province.get((s, "50"), 0) for s in headline}
