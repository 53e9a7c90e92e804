"""Programme impact (ministry, admins): every KPI for a period — with the previous period
and the same period a year before —, a province map of one KPI, the region → province →
district drill-down, and "as of" a past lake snapshot. Period, KPI, area and snapshot are
kept in the URL, so a link reopens the same view."""

import streamlit as st

from dashboard import export, formatting, ui
from dashboard.identity.user import User
from dashboard.impact import briefings, charts, figures, kpis, periods
from dashboard.ui import impact as impact_ui
from dashboard.ui import tables, widgets

DEFAULT_KPI = "income_thb"
THIS_PAGE = "pages/impact.py"  # a briefing's link reopens this page


def _pick(label_key: str, options: list[str], label, *, key: str, param: str, default: str):
    """A select box with no "none" entry whose choice is kept in the URL as its code."""
    widgets.init_widget(key, widgets.query_value(param, options) or default)
    if st.session_state.get(key) not in options:
        st.session_state[key] = default
    value = st.selectbox(ui.t(label_key), options, format_func=label, key=key)
    widgets.mirror_query_params({param: value})
    return value


def _as_of(lang: str) -> int | None:
    snaps = impact_ui.snapshot_list()
    by_id = {str(s.snapshot_id): s for s in snaps}
    codes = list(by_id)
    chosen = widgets.url_select(
        "impact.as_of",
        "impact.as_of.latest",
        codes,
        lambda c: impact_ui.snapshot_label(by_id[c], lang),
        key="impact_asof",
        param="asof",
    )
    return int(chosen) if chosen else None


def _place() -> tuple[str | None, str | None]:
    widgets.init_widget("impact_region", widgets.query_value("region"))
    widgets.init_widget("impact_province", widgets.query_value("province"))
    return st.session_state["impact_region"], st.session_state["impact_province"]


def _go(region: str | None, province: str | None) -> None:
    st.session_state["impact_region"] = region
    st.session_state["impact_province"] = province
    widgets.mirror_query_params({"region": region, "province": province})
    st.rerun()


def _breadcrumb(view: figures.ImpactView, lang: str) -> None:
    cols = st.columns([1, 1, 3])
    if cols[0].button(ui.t("impact.whole_country"), disabled=view.level == "region"):
        _go(None, None)
    if view.level == "district" and cols[1].button(ui.t("impact.back_to_region")):
        _go(view.region, None)
    cols[2].subheader(view.place_name(lang, ui.t("impact.whole_country")))


def _headline(view: figures.ImpactView, lang: str) -> None:
    st.caption(
        ui.t(
            "impact.compared",
            previous=view.previous.label(lang),
            year_before=view.year_before.label(lang),
        )
    )
    keys = list(kpis.KEYS)
    per_row = 3  # four to a row cut "฿1,593.82 ล้าน" (the large demo's GMV) short
    for start in range(0, len(keys), per_row):
        columns = st.columns(per_row)
        for column, key in zip(columns, keys[start : start + per_row], strict=False):
            fig = view.totals[key]
            k = kpis.get(key)
            change = fig.change(fig.previous)
            year = fig.change(fig.year_before)
            shown = (  # a whole amount of millions overflowed the card ("฿157,323,…")
                formatting.format_baht_short(fig.value, lang)
                if k.unit == "thb"
                else figures.display(fig.value, k.unit)
            )
            column.metric(
                ui.t(f"impact.kpi.{key}.name"),
                shown,
                delta=None if change is None else f"{change:+.1f}%",
                border=True,
                help=ui.t(
                    "impact.metric_help",
                    value=figures.display(fig.value, k.unit),
                    numerator=ui.t(f"impact.kpi.{key}.numerator"),
                    counts=ui.t(f"impact.kpi.{key}.counts"),
                    previous=figures.display(fig.previous, k.unit),
                    year_before=figures.display(fig.year_before, k.unit),
                    year_change="—" if year is None else f"{year:+.1f}%",
                ),
            )


def _map(view: figures.ImpactView, kpi: str, lang: str) -> None:
    k = kpis.get(kpi)
    shown = view.shown(kpi, map_=True)
    fmt = {"thb": ",.2f", "percent": ".1f", "per_100k": ",.2f"}.get(k.unit, ",.0f")
    title = ui.t(f"impact.kpi.{kpi}.name")
    fig = charts.choropleth(
        shown,
        lang,
        title=title,
        value_format=fmt,
        withheld_text=view.fewer_than(lang),
        highlight=view.province,
    )
    event = st.plotly_chart(
        fig,
        key=f"impact_map_{view.region}_{view.province}",
        on_select="rerun",
        selection_mode="points",
        config={"scrollZoom": False},
    )
    clicked = charts.clicked_province(event, shown["area_code"].to_list())
    if clicked and clicked != view.province:
        _go(None, clicked)


def _table(view: figures.ImpactView, lang: str) -> None:
    table, headings = impact_ui.area_table(view, lang)
    event = tables.show_table(
        table,
        headings,
        key=f"impact_table_{view.level}_{view.region}_{view.province}",
        on_select="rerun" if view.level != "district" else "ignore",
    )
    picked = tables.selected_row(event)
    if picked is not None and view.level != "district":
        code = view.areas["area_code"][picked]
        if view.level == "region":
            _go(code, None)
        else:
            _go(None, code)
    if view.level == "district":
        st.caption(ui.t("impact.small_numbers", n=view.threshold))


def _open_from_url(user: User):
    """A briefing link (``?briefing=<id>``) sets the view to the briefing's filters and
    snapshot, once per briefing opened."""
    briefing_id = widgets.query_value("briefing")
    if not briefing_id:
        return None
    with ui.errors_shown():
        briefing = briefings.get(user, briefing_id)
    if st.session_state.get("impact_opened") != briefing.briefing_id:
        st.session_state["impact_opened"] = briefing.briefing_id
        st.session_state["impact_period"] = briefing.period_code
        st.session_state["impact_region"] = None if briefing.province_code else briefing.region_code
        st.session_state["impact_province"] = briefing.province_code
        st.session_state["impact_asof"] = str(briefing.snapshot_id)
        widgets.mirror_query_params(
            {
                "period": briefing.period_code,
                "region": st.session_state["impact_region"],
                "province": briefing.province_code,
                "asof": str(briefing.snapshot_id),
            }
        )
    return briefing


def _briefing_panel(user: User, briefing, lang: str) -> None:
    st.info(
        ui.md(
            "impact.briefing.opened",
            name=briefing.name,
            snapshot=briefing.snapshot_id,
            by=briefing.created_by_name or "",
            at=formatting.format_datetime(briefing.created_at, lang),
        ),
        icon=":material/push_pin:",
    )
    cols = st.columns(5)
    if cols[0].button(ui.t("impact.briefing.reverify"), icon=":material/verified:"):
        _show_reverify(user, briefing, latest=False, lang=lang)
    if cols[1].button(ui.t("impact.briefing.compare_latest"), icon=":material/compare_arrows:"):
        _show_reverify(user, briefing, latest=True, lang=lang)
    # Each file is made when its button is clicked (a PDF takes seconds; opening a briefing
    # should not wait for both files, and most openings download neither). The view at the
    # briefing's snapshot is drawn above, so a snapshot that is gone was already said.
    stem = f"briefing_{briefing.briefing_id[:8]}"
    cols[2].download_button(
        ui.t("impact.briefing.download_xlsx"),
        lambda: impact_ui.briefing_file(user, briefing, "xlsx"),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key="impact_briefing_xlsx",
    )
    cols[3].download_button(
        ui.t("impact.briefing.download_pdf"),
        lambda: impact_ui.briefing_file(user, briefing, "pdf"),
        file_name=f"{stem}.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        key="impact_briefing_pdf",
    )
    # A callback: it runs before the next run draws the "as of" box, whose state it resets
    # (set after the box is drawn, Streamlit refuses it).
    cols[4].button(ui.t("impact.briefing.close"), on_click=_close_briefing)


def _close_briefing() -> None:
    st.session_state.pop("impact_opened", None)
    widgets.mirror_query_params({"briefing": None, "asof": None})
    st.session_state["impact_asof"] = None


def _show_reverify(user: User, briefing, *, latest: bool, lang: str) -> None:
    with ui.errors_shown():
        changed = briefings.reverify(
            user, briefing.briefing_id, latest=latest, session_id=ui.session_id()
        )
    if not changed:
        st.success(ui.t("impact.briefing.unchanged", n=briefing.figures.height))
        return
    st.warning(ui.t("impact.briefing.changed", n=len(changed)))
    tables.show_table(
        impact_ui.changed_table(changed, lang),
        {
            "section": "impact.briefing.section",
            "area_code": "impact.area",
            "kpi": "impact.kpi.column",
            "pinned": "impact.briefing.pinned",
            "now": "impact.briefing.now",
        },
    )


def _briefing_maker(user: User, view: figures.ImpactView, period: str, lang: str) -> None:
    with st.expander(ui.t("impact.briefing.title"), icon=":material/push_pin:"):
        st.caption(ui.t("impact.briefing.help", snapshot=view.snapshot_id))
        # One form: the button carries the name typed. A text box commits on blur, so a
        # click straight after typing could reach the app before the name did (the suite's
        # browser test, on a busy machine, pinned without it).
        with st.form("impact_briefing_form", border=False, enter_to_submit=False):
            name = st.text_input(ui.t("impact.briefing.name"), key="impact_briefing_name")
            pin = st.form_submit_button(ui.t("impact.briefing.pin"), key="impact_pin")
        if pin:
            with ui.errors_shown():
                made = briefings.create(
                    user,
                    name,
                    period,
                    region=view.region if view.level == "province" else None,
                    province=view.province,
                    snapshot_id=view.snapshot_id,
                    session_id=ui.session_id(),
                )
            widgets.mirror_query_params({"briefing": made.briefing_id})
            st.rerun()
        with ui.errors_shown():
            listed = briefings.briefings(user)
        for row in listed.head(20).iter_rows(named=True):
            label = row["period_label_th"] if lang == "th" else row["period_label_en"]
            st.page_link(
                THIS_PAGE,
                label=ui.md(
                    "impact.briefing.link",
                    name=row["name"],
                    period=label,
                    snapshot=row["snapshot_id"],
                ),
                query_params={"briefing": row["briefing_id"]},
                icon=":material/description:",
            )


def _centres(user: User, snapshot: int | None, lang: str) -> None:
    """The community digital centres' estimated effect (issue 11, item 5)."""
    st.subheader(ui.t("impact.centres.title"), anchor="centres")
    est = None
    with ui.errors_shown(stop=False):
        est = impact_ui.centre_effect(user, snapshot)
    if est is None:
        return
    st.warning(ui.t("impact.centres.caveat"), icon=":material/info:")
    cols = st.columns(3)
    cols[0].metric(
        ui.t("impact.centres.estimate"),
        formatting.format_value(est.effect, "thb"),
        border=True,
        help=ui.t("impact.centres.estimate_help"),
    )
    cols[1].metric(
        ui.t("impact.centres.interval"),
        ui.t(
            "impact.centres.interval_value",
            low=formatting.format_number(est.low),
            high=formatting.format_number(est.high),
        ),
        border=True,
    )
    cols[2].metric(
        ui.t("impact.centres.sellers"),
        ui.t(
            "impact.centres.sellers_value",
            treated=formatting.format_number(est.treated_sellers),
            control=formatting.format_number(est.control_sellers),
        ),
        border=True,
    )
    st.caption(
        ui.t(
            "impact.centres.counts",
            treated=formatting.format_number(est.treated_sellers),
            centres=formatting.format_number(est.centres),
            control=formatting.format_number(est.control_sellers),
            first=est.first_month,
            last=est.last_month,
            percent="—" if est.percent is None else f"{est.percent:+.0f}",
            baseline=formatting.format_number(est.baseline),
        )
    )
    p = "—" if est.pretrend_p is None else f"{est.pretrend_p:.2f}"
    if est.leads_ok and (est.pretrend_p is None or est.pretrend_p >= 0.05):
        st.info(ui.t("impact.centres.pretrend_ok", p=p), icon=":material/check:")
    else:
        st.warning(ui.t("impact.centres.pretrend_warn", p=p), icon=":material/warning:")
    st.plotly_chart(
        charts.event_study(
            est.events,
            title=ui.t("impact.centres.chart.title"),
            x_title=ui.t("impact.centres.chart.x"),
            y_title=ui.t("impact.centres.chart.y"),
            effect_name=ui.t("impact.centres.chart.effect"),
            interval_name=ui.t("impact.centres.chart.interval"),
        ),
        key="impact_centres_chart",
    )
    st.caption(ui.t("impact.centres.method", snapshot=est.snapshot_id))


def render(user: User) -> None:
    st.title(ui.t("nav.impact"))
    lang = ui.language()
    briefing = _open_from_url(user)
    top = st.columns([2, 2, 3])
    with top[2]:
        with ui.errors_shown():
            snapshot = _as_of(lang)
    region, province = _place()
    with ui.errors_shown():
        probe = impact_ui.impact_view(user, figures.DEFAULT_PERIOD, snapshot_id=snapshot)
    reference = probe.reference_day
    if reference is None:
        st.info(ui.t("home.no_orders_yet"), icon=":material/info:")
        return
    options = periods.choices(reference, probe.first_day or reference)
    with top[0]:
        period = _pick(
            "impact.period",
            options,
            lambda c: impact_ui.period_label(c, reference, lang),
            key="impact_period",
            param="period",
            default=figures.DEFAULT_PERIOD,
        )
    with top[1]:
        kpi = _pick(
            "impact.kpi",
            list(kpis.KEYS),
            lambda k: ui.t(f"impact.kpi.{k}.name"),
            key="impact_kpi",
            param="kpi",
            default=DEFAULT_KPI,
        )
    with ui.errors_shown():
        view = impact_ui.impact_view(
            user, period, region=region, province=province, snapshot_id=snapshot
        )
    st.caption(
        ui.t(
            "impact.caption",
            period=view.period.label(lang),
            snapshot=view.snapshot_id,
            source=ui.t(f"impact.income_source.{view.income_source}"),
        )
    )
    if briefing is not None:
        _briefing_panel(user, briefing, lang)
    _breadcrumb(view, lang)
    _headline(view, lang)
    left, right = st.columns([3, 2])
    with left:
        _map(view, kpi, lang)
    with right:
        _table(view, lang)
    st.download_button(
        ui.t("impact.download_csv"),
        export.csv_bytes(view.export_frame(lang)),
        file_name=f"impact_{view.period.code}_{view.province or view.region or 'th'}.csv",
        mime="text/csv",
        icon=":material/download:",
    )
    st.caption(ui.t("impact.export_note", n=view.threshold))
    if briefing is None:
        _briefing_maker(user, view, period, lang)
    _centres(user, snapshot, lang)


user = ui.guard("impact")
render(user)
