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


def backlog_section(b: performance.Backlog) -> None:
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
        head = st.container()  # filled once the figures are read, below the lead-time choice
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
        # every figure of the page in one call: read two at a time
        view = performance.deliveries(user, f, by=by or "service", con=lake.reader())
        with head:
            logistics_ui.as_of_line(view.summary)
            logistics_ui.kpi_tiles(view.summary)
        with dk:
            st.caption(ui.t("logistics.kpi.d_plus_k.formula"))
            if view.d_plus_k.is_empty():
                st.info(ui.t("logistics.no_data"))
            else:
                names = {
                    "on_time": ui.t("logistics.col.count_on_time"),
                    "late": ui.t("logistics.col.count_late"),
                }
                st.plotly_chart(
                    figures.d_plus_k_figure(view.d_plus_k, names, performance.D_PLUS_K_CAP),
                    key="lg_dk_chart",
                )
        with lead:
            tables.show_table(view.lead_times, LEAD_COLUMNS, key="lg_lead")
        with failed:
            st.caption(ui.t("logistics.kpi.failed_by_reason.formula"))
            tables.show_table(
                view.failed_by_reason,
                {
                    "reason": "logistics.col.reason",
                    "count_failed": "logistics.col.count_failed",
                    "rate": "logistics.col.rate",
                },
                key="lg_failed",
            )
        with backlog:
            st.caption(ui.t("logistics.kpi.pickup_backlog.formula"))
            backlog_section(view.backlog)
        with dwell:
            st.caption(ui.t("logistics.kpi.mail_centre_dwell.formula"))
            tables.show_table(
                view.dwell,
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
            tables.show_table(view.late_segments, SEGMENT_COLUMNS, key="lg_segments")


user = ui.guard("deliveries")
render(user)
