"""Programme impact through AppTest: who may open it, the drill-down kept in the URL, and
small numbers withheld at district level."""

from __future__ import annotations

import pytest

from dashboard import i18n
from dashboard.impact import kpis
from tests.app.helpers import ROOT, account_of, new_app, seed_session, shows_data, signed_in_app


def th(key: str, **params: object) -> str:
    return i18n.translate(key, "th", **params)


def _impact(demo_accounts, role: str, **query: str):
    username, password = account_of(demo_accounts, role)
    at = signed_in_app(username, password)
    for name, value in query.items():
        at.query_params[name] = value
    at.switch_page("pages/impact.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def _areas(at) -> list[str]:
    frame = at.dataframe[0].value
    return list(frame[frame.columns[0]])


@pytest.mark.parametrize("role", ["ministry", "admin"])
def test_the_programme_page_opens_for_the_ministry_and_admins(app_env, demo_accounts, role):
    at = _impact(demo_accounts, role)
    assert [t.value for t in at.title] == [th("nav.impact")]
    # The country by region, every KPI as a headline figure.
    assert len(_areas(at)) == 6
    labels = [m.label for m in at.metric]
    assert th("impact.kpi.income_thb.name") in labels
    kpi_labels = {th(f"impact.kpi.{k}.name") for k in kpis.KEYS}
    assert len([m for m in at.metric if m.label in kpi_labels]) == 12
    assert at.selectbox(key="impact_period").value == "this_fiscal_year"


@pytest.mark.parametrize("role", ["provincial_officer", "branch_manager", "payments_officer"])
def test_other_roles_are_refused(app_env, demo_accounts, role):
    username, password = account_of(demo_accounts, role)
    at = new_app(ROOT / "pages" / "impact.py")
    seed_session(at, username, password)
    at.run()
    assert [e.value for e in at.error] == [th("error.permission_denied")]
    assert not shows_data(at)


def test_drill_down_from_the_url_and_small_numbers_at_district_level(app_env, demo_accounts):
    south = _impact(demo_accounts, "ministry", region="south", period="last_fiscal_year")
    provinces = _areas(south)
    assert "พังงา" in provinces and "ภูเก็ต" in provinces
    assert th("impact.fewer_than", n=5) not in str(south.dataframe[0].value.to_dict())
    phang_nga = _impact(demo_accounts, "ministry", province="82", period="last_fiscal_year")
    assert phang_nga.subheader[0].value == "พังงา"
    table = phang_nga.dataframe[0].value
    assert len(table) == 8  # Phang Nga's districts
    # The tiny demo has a handful of sellers per district: their figures are withheld.
    assert th("impact.fewer_than", n=5) in set(table[th("impact.kpi.gmv_thb.name")])
    captions = [c.value for c in phang_nga.caption]
    assert th("impact.small_numbers", n=5) in captions
    assert phang_nga.query_params["province"] == "82"


def test_pin_a_briefing_reopen_it_by_its_link_and_reverify(app_env, demo_accounts):
    at = _impact(demo_accounts, "ministry", region="north")
    figures_shown = [(m.label, m.value) for m in at.metric]
    at.text_input(key="impact_briefing_name").input("สรุปภาคเหนือ")
    at.button(key="impact_pin").click().run()
    assert not at.exception, [e.value for e in at.exception]
    briefing_id = at.query_params["briefing"]
    assert briefing_id
    assert any("สรุปภาคเหนือ" in i.value for i in at.info)

    # Reopened by its link in a new session: the same view, pinned to its snapshot.
    again = _impact(demo_accounts, "ministry", briefing=briefing_id)
    assert [(m.label, m.value) for m in again.metric] == figures_shown
    assert again.query_params["region"] == "north"
    assert again.query_params["asof"]
    reverify = next(b for b in again.button if b.label == th("impact.briefing.reverify"))
    reverify.click().run()
    n_figures = 12 * (1 + len(_areas(again)))  # every KPI of the region and of each province
    assert [s.value for s in again.success] == [th("impact.briefing.unchanged", n=n_figures)]
    downloads = {b.label for b in again.get("download_button")}
    assert {th("impact.briefing.download_xlsx"), th("impact.briefing.download_pdf")} <= downloads


def test_close_an_open_briefing(app_env, demo_accounts):
    """Closing a briefing opened by its link goes back to the latest figures (the "as of"
    box reset before it is drawn: setting it after raised StreamlitAPIException)."""
    at = _impact(demo_accounts, "ministry", region="north")
    at.text_input(key="impact_briefing_name").input("สรุปเพื่อปิด")
    at.button(key="impact_pin").click().run()
    briefing_id = at.query_params["briefing"]
    again = _impact(demo_accounts, "ministry", briefing=briefing_id)
    assert again.query_params["asof"]
    close = next(b for b in again.button if b.label == th("impact.briefing.close"))
    close.click().run()
    assert not again.exception, [e.value for e in again.exception]
    assert "briefing" not in again.query_params
    assert "asof" not in again.query_params
    assert not any("สรุปเพื่อปิด" in i.value for i in again.info)


def _set_language(at, lang: str):
    at.switch_page("pages/my_account.py").run()
    at.radio[0].set_value(lang).run()
    assert not at.exception


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_digital_centres_estimate_with_its_interval_counts_and_caveat(
    app_env, demo_accounts, lang
):
    username, password = account_of(demo_accounts, "ministry")
    at = signed_in_app(username, password)
    if lang != "th":  # saved for the user (this test's own ops DB)
        _set_language(at, lang)
    at.switch_page("pages/impact.py").run()
    assert not at.exception, [e.value for e in at.exception]

    def tr(key: str, **params: object) -> str:
        return i18n.translate(key, lang, **params)

    assert tr("impact.centres.title") in [s.value for s in at.subheader]
    assert tr("impact.centres.caveat") in [w.value for w in at.warning]
    labels = [m.label for m in at.metric]
    for key in ("impact.centres.estimate", "impact.centres.interval", "impact.centres.sellers"):
        assert tr(key) in labels
    interval = next(m for m in at.metric if m.label == tr("impact.centres.interval"))
    assert tr("impact.centres.interval_value", low="", high="").strip() in interval.value
    shown = [i.value for i in at.info] + [w.value for w in at.warning]
    ok, warn = (
        tr("impact.centres.pretrend_ok", p="~"),
        tr("impact.centres.pretrend_warn", p="~"),
    )
    assert any(v.startswith((ok.split("~")[0], warn.split("~")[0])) for v in shown)
