"""The logistics pages through AppTest: each page for each role (rendered, or refused),
the postal-region manager's tables hold only their region's branches, also when the URL
asks for another region or branch, and an opened scorecard with its late list."""

from __future__ import annotations

import pytest

from dashboard import i18n
from tests.app.helpers import (
    ROLE_PAGES,
    ROOT,
    account_of,
    new_app,
    seed_session,
    shows_data,
    signed_in_app,
)
from warehouse.lake import connect_reader

LOGISTICS_PAGES = [
    "deliveries",
    "branch_performance",
    "delivery_map",
    "cold_chain",
    "delivery_summary",
]


def th(key: str, **params: object) -> str:
    return i18n.translate(key, "th", **params)


def _open(demo_accounts: dict, role: str, page: str, **params: str):
    username, password = account_of(demo_accounts, role)
    at = signed_in_app(username, password)
    at.switch_page(f"pages/{page}.py")
    at.query_params.update(params)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _region_of(demo_settings, branches: list[str]) -> set[str]:
    con = connect_reader(demo_settings)
    try:
        rows = con.execute(
            "select distinct postal_region_code from dim_branch "
            "where list_contains(?, branch_code)",
            [branches],
        ).fetchall()
    finally:
        con.close()
    return {r[0] for r in rows}


@pytest.mark.parametrize("role", list(ROLE_PAGES))
@pytest.mark.parametrize("page", LOGISTICS_PAGES)
def test_each_logistics_page_renders_for_its_roles_and_refuses_the_others(
    app_env, demo_accounts, role: str, page: str
) -> None:
    username, password = account_of(demo_accounts, role)
    if page in ROLE_PAGES[role]:
        at = _open(demo_accounts, role, page)
        assert [t.value for t in at.title] == [th(f"nav.{page}")]
        assert not at.error, [e.value for e in at.error]
        if page in ("deliveries", "cold_chain", "delivery_summary"):
            assert at.metric, "the KPI tiles"
        return
    at = new_app(ROOT / "pages" / f"{page}.py")
    seed_session(at, username, password)
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [th("error.permission_denied")]
    assert not shows_data(at)


def test_region_manager_scorecards_hold_only_their_region(
    app_env, demo_accounts, demo_settings
) -> None:
    at = _open(demo_accounts, "branch_manager", "branch_performance")
    codes = list(at.dataframe[0].value[th("logistics.filter.branch")])
    assert codes and _region_of(demo_settings, codes) == {"PR06"}


def test_url_parameters_never_widen_the_region_managers_view(
    app_env, demo_accounts, demo_settings
) -> None:
    con = connect_reader(demo_settings)
    try:
        other = con.execute(
            "select min(branch_code) from dim_branch where postal_region_code = 'PR01'"
        ).fetchone()[0]
    finally:
        con.close()
    at = _open(
        demo_accounts,
        "branch_manager",
        "branch_performance",
        region="PR01",
        branch=other,
        card=other,
    )
    assert not at.error, [e.value for e in at.error]
    codes = list(at.dataframe[0].value[th("logistics.filter.branch")])
    assert other not in codes and _region_of(demo_settings, codes) == {"PR06"}
    assert not any(
        th("logistics.scorecard_of", branch=other, name="") in s.value for s in at.subheader
    )


def test_admin_opens_a_branch_scorecard_with_its_late_list(app_env, demo_accounts) -> None:
    at = _open(demo_accounts, "admin", "branch_performance", region="PR06")
    first = list(at.dataframe[0].value[th("logistics.filter.branch")])[0]
    at = _open(demo_accounts, "admin", "branch_performance", region="PR06", card=first)
    assert any(first in s.value for s in at.subheader)
    # the late list's table (possibly empty: then the note), and the weekly chart
    assert len(at.dataframe) >= 1
    # no PR06 branch has 30 due items on the tiny demo: dashes in the rank tiles, and why
    # in one line (the long words were cut short in the tiles)
    assert [m.value for m in at.metric][1:] == ["–", "–", "–"]
    reason = th("logistics.not_ranked_because", due=0, n=30).split(":")[0]
    assert any(c.value.startswith(reason) and "30" in c.value for c in at.caption)


@pytest.mark.parametrize("page", ["delivery_map", "branch_performance"])
def test_a_view_with_no_branch_ranked_says_why_and_what_to_do(
    app_env, demo_accounts, monkeypatch, page: str
) -> None:
    """The tiny demo's 30 days give no PR06 branch the 30 due items a rank needs: the page
    says so (instead of leaving every branch grey without a word); with a minimum of one
    the branches are ranked and the note is gone."""
    note = th("logistics.none_ranked", n=30)
    at = _open(demo_accounts, "branch_manager", page)
    assert note in [i.value for i in at.info]
    monkeypatch.setenv("POSTMART_MIN_BRANCH_SAMPLE", "1")
    at = _open(demo_accounts, "branch_manager", page)
    infos = [i.value for i in at.info]
    assert note not in infos and th("logistics.none_ranked", n=1) not in infos


def test_a_ranked_branch_card_shows_its_rank_and_the_field_in_the_label(
    app_env, demo_accounts, monkeypatch
) -> None:
    """The rank tiles hold the rank alone ("519"), the field's size sits in the label
    ("… (จาก 1,036)"): "519 จาก 1,036" in the value was cut short on the large demo."""
    monkeypatch.setenv("POSTMART_MIN_BRANCH_SAMPLE", "1")
    at = _open(demo_accounts, "admin", "branch_performance", region="PR06")
    first = list(at.dataframe[0].value[th("logistics.filter.branch")])[0]
    at = _open(demo_accounts, "admin", "branch_performance", region="PR06", card=first)
    ranks = [m for m in at.metric if th("logistics.col.rank_in_region") in m.label]
    assert len(ranks) == 1 and ranks[0].value.replace(",", "").isdigit()
    assert th("logistics.rank_among", of=0).split("0")[0] in ranks[0].label
