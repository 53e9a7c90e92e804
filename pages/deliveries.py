"""Delivery performance (branch managers: their branch or postal region; admins: the
country): the KPIs of the registry, D+k, lead times, failed deliveries by reason, the
pickup backlog, mail-centre dwell and where late items lost their time."""

import streamlit as st

from dashboard import ui
from dashboard.identity.user import User
from dashboard.logistics import figures, performance
from dashboard.ui import lake, tables, widgets
from dashboard.ui import logistics as logistics_ui

LEAD_COLUMNS = {
    "group_code": "logistics.col.group",
    "count_shipments": "logistics.col.count_shipments",
    "p50_hours": "logistics.col.p50_hours",
    "p90_hours": "logistics.col.p90_hours",
    "p95_hours": "logistics.col.p95_hours",
}
SEGMENT_COLUMNS = {
    "postal_region_code": "logistics.col.postal_region",
    "count_late": "logistics.col.count_late",
    "to_origin_centre_hours": "logistics.col.to_origin_centre_hours",
    "between_centres_hours": "logistics.col.between_centres_hours",
    "to_branch_hours": "logistics.col.to_branch_hours",
    "to_delivery_hours": "logistics.col.to_delivery_hours",
}


def backlog_section(user: User, f: performance.Filters) -> None:
    con = lake.reader()
    b = performance.pickup_backlog(user, f, con=con)
    st.caption(ui.t("logistics.backlog_sla", hours=b.sla_hours))
    tables.show_table(
        b.buckets,
        {"bucket": "logistics.col.bucket", "count_orders": "logistics.col.count_orders"},
        {"bucket": "logistics.bucket"},
        key="lg_backlog_buckets",
    )
    left, right = st.columns(2)
    with left:
        tables.show_table(
            b.by_branch.head(50),
            {
                "origin_branch_code": "logistics.col.origin_branch",
                "count_orders": "logistics.col.count_orders",
                "oldest_hours": "logistics.col.oldest_hours",
            },
            key="lg_backlog_branch",
        )
    with right:
        tables.show_table(
            b.by_seller.head(50),
            {
                "seller_id": "logistics.col.seller",
                "count_orders": "logistics.col.count_orders",
                "oldest_hours": "logistics.col.oldest_hours",
            },
            key="lg_backlog_seller",
        )


def render(user: User) -> None:
    st.title(ui.t("nav.deliveries"))
    with ui.errors_shown():
        f = logistics_ui.filters(user)
        con = lake.reader()
        summary = performance.summary(user, f, con=con)
        logistics_ui.as_of_line(summary)
        logistics_ui.kpi_tiles(summary)
        dk, lead, failed, backlog, dwell, late = st.tabs(
            [
                ui.t("logistics.kpi.d_plus_k"),
                ui.t("logistics.kpi.lead_time"),
                ui.t("logistics.kpi.failed_by_reason"),
                ui.t("logistics.kpi.pickup_backlog"),
                ui.t("logistics.kpi.mail_centre_dwell"),
                ui.t("logistics.kpi.late_segments"),
            ]
        )
        with dk:
            st.caption(ui.t("logistics.kpi.d_plus_k.formula"))
            df = performance.d_plus_k(user, f, con=con)
            if df.is_empty():
                st.info(ui.t("logistics.no_data"))
            else:
                names = {
                    "on_time": ui.t("logistics.col.count_on_time"),
                    "late": ui.t("logistics.col.count_late"),
                }
                st.plotly_chart(
                    figures.d_plus_k_figure(df, names, performance.D_PLUS_K_CAP),
                    key="lg_dk_chart",
                )
        with lead:
            st.caption(ui.t("logistics.kpi.lead_time.formula"))
            by = widgets.url_select(
                "logistics.filter.by",
                "logistics.by.service",
                ["region", "province"],
                lambda g: ui.t(f"logistics.by.{g}"),
                key="lg_lead_by",
                param="by",
            )
            tables.show_table(
                performance.lead_times(user, f, by=by or "service", con=con),
                LEAD_COLUMNS,
                key="lg_lead",
            )
        with failed:
            st.caption(ui.t("logistics.kpi.failed_by_reason.formula"))
            tables.show_table(
                performance.failed_by_reason(user, f, con=con),
                {
                    "reason": "logistics.col.reason",
                    "count_failed": "logistics.col.count_failed",
                    "rate": "logistics.col.rate",
                },
                key="lg_failed",
            )
        with backlog:
            st.caption(ui.t("logistics.kpi.pickup_backlog.formula"))
            backlog_section(user, f)
        with dwell:
            st.caption(ui.t("logistics.kpi.mail_centre_dwell.formula"))
            tables.show_table(
                performance.mail_centre_dwell(user, f, con=con),
                {
                    "location": "logistics.col.location",
                    "count_stays": "logistics.col.count_stays",
                    "p50_hours": "logistics.col.p50_hours",
                    "p90_hours": "logistics.col.p90_hours",
                },
                key="lg_dwell",
            )
        with late:
            st.caption(ui.t("logistics.kpi.late_segments.formula"))
            tables.show_table(
                performance.late_segments(user, f, con=con), SEGMENT_COLUMNS, key="lg_segments"
            )


user = ui.guard("deliveries")
with performance.one_view():  # the scope and "now" read once per run
    render(user)
