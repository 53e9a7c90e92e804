"""Programme impact (ministry, admins): every KPI for a period — with the previous period
and the same period a year before —, a province map of one KPI, the region → province →
district drill-down, and "as of" a past lake snapshot. Period, KPI, area and snapshot are
kept in the URL, so a link reopens the same view."""

import streamlit as st

from dashboard import export, ui
from dashboard.identity.user import User
from dashboard.impact import charts, figures, kpis, periods
from dashboard.ui import impact as impact_ui
from dashboard.ui import tables, widgets

DEFAULT_KPI = "income_thb"


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
    for start in range(0, len(keys), 4):
        columns = st.columns(4)
        for column, key in zip(columns, keys[start : start + 4], strict=False):
            fig = view.totals[key]
            k = kpis.get(key)
            change = fig.change(fig.previous)
            year = fig.change(fig.year_before)
            column.metric(
                ui.t(f"impact.kpi.{key}.name"),
                figures.display(fig.value, k.unit),
                delta=None if change is None else f"{change:+.1f}%",
                border=True,
                help=ui.t(
                    "impact.metric_help",
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


def render(user: User) -> None:
    st.title(ui.t("nav.impact"))
    lang = ui.language()
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


user = ui.guard("impact")
render(user)
