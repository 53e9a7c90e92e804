"""The logistics pages' shared UI: the filters kept in the URL (period, service, postal
region, branch), KPI tiles from the registry, and the scope line."""

from __future__ import annotations

import streamlit as st

from dashboard import export, formatting
from dashboard.identity import authz
from dashboard.identity.user import User
from dashboard.logistics import figures, kpis, performance, scope, scorecards
from dashboard.ui import labels, lake, tables, text, widgets
from dashboard.ui.text import language, t
from warehouse import vocab
from warehouse.settings import load_settings


def _region_label(df, code: str) -> str:
    row = df.filter(df["postal_region_code"] == code)
    name = row["name_th" if language() == "th" else "name_en"][0] if row.height else code
    return f"{name}"


def _branch_label(df, code: str) -> str:
    row = df.filter(df["branch_code"] == code)
    if not row.height:
        return code
    return f"{code} · {row['name_th' if language() == 'th' else 'name_en'][0]}"


def filters(user: User, *, branch: bool = True, key: str = "lg") -> performance.Filters:
    """The filter row; every choice mirrored in the URL as a code (from, to, service,
    region, branch). Only branches and regions of the user's scope are offered; a code
    from the URL outside them is ignored here and refused by the services."""
    con = lake.reader()
    cols = st.columns(5 if branch else 4)
    start = widgets.url_date(
        "logistics.filter.start", key=f"{key}_from", param="from", container=cols[0]
    )
    end = widgets.url_date("logistics.filter.end", key=f"{key}_to", param="to", container=cols[1])
    service = widgets.url_select(
        "logistics.filter.service",
        "logistics.filter.all_services",
        list(vocab.SERVICE_CODES),
        lambda c: t(f"logistics.service.{c}"),
        key=f"{key}_service",
        param="service",
        container=cols[2],
    )
    own = authz.scope_of(authz.current(user))
    region = None
    if own.kind == "national":
        regions = scope.regions(con)
        region = widgets.url_select(
            "logistics.filter.region",
            "logistics.filter.all_regions",
            regions["postal_region_code"].to_list(),
            lambda c: _region_label(regions, c),
            key=f"{key}_region",
            param="region",
            container=cols[3],
        )
    picked = None
    if branch and own.kind != "branch":
        choices = scope.branches(user, con, region=region)
        picked = widgets.url_select(
            "logistics.filter.branch",
            "logistics.filter.all_branches",
            choices["branch_code"].to_list(),
            lambda c: _branch_label(choices, c),
            key=f"{key}_branch",
            param="branch",
            container=cols[-1],
        )
    return performance.Filters(start=start, end=end, service=service, region=region, branch=picked)


def as_of_line(summary: performance.Summary) -> None:
    lang = language()
    s = summary.scope
    if s.national:
        where = t("logistics.scope.national")
    elif s.branch_code:
        where = t("logistics.scope.branch", branch=s.branch_code)
    else:
        where = t(
            "logistics.scope.region",
            region=formatting.postal_region_number(s.postal_region_code or ""),
        )
    st.caption(
        where
        + " · "
        + t(
            "logistics.as_of",
            when=labels.format_datetime(summary.as_of),
            start=formatting.format_date(summary.start, lang),
            end=formatting.format_date(summary.end, lang),
        )
    )


def kpi_tiles(summary: performance.Summary) -> None:
    """The registry's rate and count KPIs as tiles, each with its formula as help."""
    values = summary.values
    cols = st.columns(len(values))
    for col, v in zip(cols, values, strict=True):
        k = kpis.kpi(v.key)
        shown = formatting.format_value(v.value, v.unit) if v.value is not None else "–"
        col.metric(
            t(k.label_key),
            shown,
            help=t(k.formula_key),
            border=True,
        )
        if v.denominator is not None and k.denominator:
            col.caption(t("logistics.of", part=v.numerator or 0, whole=v.denominator or 0))


LATE_COLUMNS = {
    "tracking_no": "logistics.col.tracking_no",
    "order_id": "logistics.col.order_id",
    "service_code": "logistics.filter.service",
    "origin_branch_code": "logistics.col.origin_branch",
    "dest_province_code": "logistics.col.dest_province",
    "accepted_at": "logistics.col.accepted_at",
    "working_days_late": "logistics.col.working_days_late",
    "status": "logistics.col.status",
    "current_location": "logistics.col.current_location",
    "last_event_at": "logistics.col.last_event_at",
}
LATE_SHOWN = 500


def none_ranked_note(cards) -> None:
    """When branches are shown but none has the minimum of due items to be ranked (a short
    period, a quiet region, the small demo), say so and what to do, rather than leave every
    branch grey without a word."""
    if cards.height and not cards["is_ranked"].any():
        st.info(t("logistics.none_ranked", n=load_settings().min_branch_sample))


def scorecard(card: dict) -> None:
    """One branch's card: rate against target, ranks with their field sizes."""
    cols = st.columns(4)
    cols[0].metric(
        t("logistics.kpi.on_time_rate"),
        formatting.format_value(card["on_time_rate"], "percent")
        if card["on_time_rate"] is not None
        else "–",
        border=True,
    )
    # An unranked branch gets a dash in its tiles and the reason in one line below them:
    # "too few parcels to rank" in three tiles was cut to "จำนวนน้…" on a laptop screen.
    ranked = card["is_ranked"]
    cols[1].metric(
        t("logistics.col.target_status"),
        t(f"logistics.target.{card['target_status']}") if ranked else "–",
        border=True,
    )
    for col, rank, of in (
        (cols[2], "rank_in_region", "count_ranked_in_region"),
        (cols[3], "rank_in_peer_group", "count_ranked_in_peer_group"),
    ):
        # the field's size in the label: "519 จาก 1,036" in the value was cut to "519 จาก 1…"
        label = t(f"logistics.col.{rank}")
        if card[rank] is None:
            col.metric(label, "–", border=True)
        else:
            label += " " + t("logistics.rank_among", of=card[of])
            col.metric(label, f"{card[rank]:,}", border=True)
    if not ranked:
        st.caption(
            t(
                "logistics.not_ranked_because",
                due=int(card["count_due"] or 0),
                n=load_settings().min_branch_sample,
            )
        )


def branch_detail(user: User, f: performance.Filters, card: dict) -> None:
    con = lake.reader()
    st.subheader(
        t(
            "logistics.scorecard_of",
            branch=card["branch_code"],
            name=card["name_th" if language() == "th" else "name_en"] or "",
        )
    )
    scorecard(card)
    bf = performance.Filters(f.start, f.end, f.service, None, card["branch_code"])
    trend = scorecards.weekly(user, bf, con=con)
    if trend.height:
        names = {
            "accepted": t("logistics.kpi.shipments_accepted"),
            "on_time_rate": t("logistics.kpi.on_time_rate"),
            "title": t("logistics.weekly_title"),
        }
        st.plotly_chart(figures.weekly_figure(trend, language(), names), key="lg_weekly")
    late = scorecards.late_list(user, bf, con=con)
    st.markdown("**" + t("logistics.late_list_title", count=late.height) + "**")
    if late.height > LATE_SHOWN:
        st.caption(text.first_rows(LATE_SHOWN, late.height))
    tables.show_table(
        late.head(LATE_SHOWN), LATE_COLUMNS, {"status": "logistics.status"}, key="lg_late"
    )
    if late.height:
        shown, _config = tables.display_frame(late, LATE_COLUMNS, {"status": "logistics.status"})
        name = f"late_{card['branch_code']}"
        a, b = st.columns(2)
        a.download_button(
            t("logistics.download_csv"),
            data=export.csv_bytes(shown),
            file_name=f"{name}.csv",
            mime="text/csv",
            icon=":material/download:",
            key="lg_late_csv",
        )
        b.download_button(
            t("logistics.download_xlsx"),
            data=export.xlsx_bytes({name: shown}),
            file_name=f"{name}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/download:",
            key="lg_late_xlsx",
        )
