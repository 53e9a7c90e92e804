"""Applications (provincial officers, admins): the province's queue, oldest first, with days
waiting against the target; filters (in the URL too); one application with its checks,
documents, duplicate flags and decisions; workload per officer; bulk approval of clean
applications after a confirmation listing them.

The services decide who sees and does what (``dashboard.onboarding``); this page shows
their answers and their refusals.
"""

import streamlit as st

from dashboard import ui
from dashboard.identity.user import User
from dashboard.onboarding import bulk, checklist, duplicates, queue, workflow
from dashboard.ui import labels, tables, text, widgets
from dashboard.ui.onboarding import application_fields
from warehouse import limits
from warehouse.vocab import APPLICATION_STATUSES, SELLER_TYPES

FLASH = "applications_flash"
BULK = "applications_bulk_pending"
OPEN = "app_open"
OPEN_BY_ID = "app_open_id"
TYPED_SEEN = "_app_open_id_seen"
FLAG_CHOICES = {"flagged": True, "unflagged": False}
QUEUE_COLUMNS = {
    "application_id": "applications.id",
    "name_th": "applications.name",
    "seller_type": "applications.seller_type",
    "district": "applications.district",
    "status": "applications.status",
    "submitted_at": "applications.submitted_at",
    "days_waiting": "onboarding.label.days_waiting",
    "is_overdue": "onboarding.label.overdue",
    "count_open_flags": "applications.open_flags",
    "count_check_errors": "applications.check_errors",
    "is_clean": "onboarding.label.clean",
    "reviewer_name": "applications.reviewer",
}
VALUE_PREFIXES = {"seller_type": "onboarding.seller_type", "status": "onboarding.status"}
HISTORY_COLUMNS = {
    "at": "applications.at",
    "action": "applications.action",
    "to_status": "applications.status",
    "reason_code": "applications.reason",
    "note": "applications.note",
    "actor_name": "applications.by",
}


def open_application(application_id: str | None) -> None:
    st.session_state[OPEN] = application_id


def show_flags(user: User, app: dict, can_act: bool) -> None:
    st.subheader(ui.t("applications.flags"))
    flags = duplicates.flags_for(user, app["application_id"])
    if flags.is_empty():
        st.caption(ui.t("applications.no_flags"))
        return
    for flag in flags.iter_rows(named=True):
        with st.container(border=True):
            st.markdown(
                ui.md(
                    "applications.flag_line",
                    field=ui.t(f"onboarding.match_field.{flag['match_field']}"),
                    kind=ui.t(f"applications.other_kind.{flag['other_kind']}"),
                    other=flag["other_id"],
                    province=labels.province_label(flag["other_province_code"]),
                    status=ui.t(f"applications.flag_status.{flag['status']}"),
                )
            )
            if flag["note"]:
                st.caption(ui.md("applications.flag_note", note=flag["note"]))
            if flag["other_kind"] == "application":
                st.button(
                    ui.t("applications.open_other", other=flag["other_id"]),
                    key=f"open_other_{flag['flag_id']}",
                    on_click=open_application,
                    args=(flag["other_id"],),
                    icon=":material/link:",
                )
            if can_act and flag["status"] == "open":
                resolve_form(user, int(flag["flag_id"]))


def resolve_form(user: User, flag_id: int) -> None:
    with st.form(f"resolve_{flag_id}"):
        resolution = st.radio(
            ui.t("applications.resolution"),
            duplicates.RESOLUTIONS,
            format_func=lambda r: ui.t(f"onboarding.resolution.{r}"),
            horizontal=True,
            key=f"resolution_{flag_id}",
        )
        note = st.text_input(ui.t("applications.note"), key=f"resolve_note_{flag_id}")
        if st.form_submit_button(ui.t("applications.resolve")):
            with ui.errors_shown(stop=False):
                duplicates.resolve(user, flag_id, resolution, note, session_id=ui.session_id())
                text.flash(FLASH, "applications.resolved")
                st.rerun()


def document_state_name(state: str | None) -> str:
    if state is None:
        return ui.t("applications.document_unseen")
    return ui.t(f"onboarding.document_state.{state}")


def show_checklist(user: User, app: dict, can_act: bool) -> None:
    st.subheader(ui.t("applications.documents"))
    for item in app["checklist"]:
        st.markdown(
            ui.md(
                "applications.document_line",
                document=ui.t(f"onboarding.document.{item['item']}"),
                state=document_state_name(item["state"]),
                note=item.get("note") or "",
            )
        )
    if not (can_act and app["is_open"]):
        return
    states = [None, *checklist.ITEM_STATES]
    with st.form("documents"):
        choices = {}
        for item in app["checklist"]:
            left, right = st.columns([2, 3])
            state = left.selectbox(
                ui.t(f"onboarding.document.{item['item']}"),
                states,
                index=states.index(item["state"]),
                format_func=document_state_name,
                key=f"doc_state_{item['item']}",
            )
            note = right.text_input(
                ui.t("applications.note"),
                value=item.get("note") or "",
                key=f"doc_note_{item['item']}",
                max_chars=checklist.MAX_NOTE_LENGTH,
            )
            choices[item["item"]] = (state, note)
        if st.form_submit_button(ui.t("applications.save_documents")):
            with ui.errors_shown(stop=False):
                workflow.set_documents(
                    user, app["application_id"], choices, session_id=ui.session_id()
                )
                text.flash(FLASH, "applications.documents_saved")
                st.rerun()


def decision_form(user: User, app: dict) -> None:
    st.subheader(ui.t("applications.decide"))
    app_id = app["application_id"]
    action = st.selectbox(
        ui.t("applications.action"),
        app["allowed_actions"],
        format_func=lambda a: ui.t(f"onboarding.action.{a}"),
        key=f"action_{app_id}",
    )
    # The reason, the note and the click in one form: they reach the app together (a text
    # area commits on blur, and a click straight after typing could come without it). The
    # action stays outside: it decides whether a reason is asked for.
    with st.form(f"decision_{app_id}_{action}", border=False):
        reason = None
        kind = workflow.REASON_KIND.get(action)
        if kind:
            reasons = dict(workflow.reason_codes(kind, ui.language()))
            reason = widgets.reason_select(reasons, key=f"reason_{app_id}_{action}")
        note = st.text_area(
            ui.t("applications.note"),
            key=f"decision_note_{app_id}",
            max_chars=workflow.MAX_NOTE_LENGTH,
        )
        submitted = st.form_submit_button(
            ui.t("applications.submit_decision"), type="primary", key="decision_submit"
        )
    if submitted:
        with ui.errors_shown(stop=False):
            workflow.transition(
                user,
                app_id,
                action,
                reason_code=reason,
                note=note,
                expected_status=app["status"],
                session_id=ui.session_id(),
            )
            text.flash(FLASH, "applications.decided", action=ui.t(f"onboarding.action.{action}"))
            st.rerun()


@st.fragment
def show_application(user: User, application_id: str) -> None:
    """One application. A fragment: working on it reruns this part only, not the queue;
    a decision reruns the whole page, whose queue then changes."""
    app = text.attempt(workflow.get, user, application_id)
    if app is None:
        return
    can_act = bool(app["allowed_actions"])
    st.header(ui.md("applications.detail_title", id=app["application_id"], name=app["name_th"]))
    st.caption(
        ui.md(
            "applications.detail_caption",
            status=ui.t(f"onboarding.status.{app['status']}"),
            seller_type=ui.t(f"onboarding.seller_type.{app['seller_type']}")
            if app["seller_type"] in SELLER_TYPES
            else app["seller_type"] or "",
            province=labels.province_label(app["province_code"]),
            district=labels.district_name(app["district_code"]),
            submitted=labels.format_datetime(app["submitted_at"]),
            source=ui.t(f"applications.source.{app['source']}"),
        )
    )
    tables.show_lines("applications.field_line", application_fields(app))
    st.subheader(ui.t("applications.checks"))
    tables.show_checks(app["checks"])
    show_flags(user, app, can_act)
    show_checklist(user, app, can_act)
    for key in app["approval_blockers"]:
        st.warning(ui.t(key), icon=":material/block:")
    if can_act:
        decision_form(user, app)
    st.subheader(ui.t("applications.history"))
    tables.show_table(
        app["history"],
        HISTORY_COLUMNS,
        {"action": "applications.event", "to_status": "onboarding.status"},
        key="history",
    )


@st.dialog(ui.t("applications.bulk_title"), width="large", on_dismiss=widgets.forget(BULK))
def confirm_bulk_approval(user: User, ids: list[str]) -> None:
    """What bulk approval will approve, and what not and why, before anything is done."""
    with ui.errors_shown():
        candidates = bulk.bulk_approval_view(user, ids)
    st.markdown(ui.md("applications.bulk_confirm_intro", count=len(candidates.clean_ids)))
    tables.show_lines(
        "applications.bulk_line",
        [{"id": r["application_id"], "name": r["name_th"]} for r in candidates.clean],
    )
    tables.show_lines(
        "applications.bulk_blocked_line",
        [
            {
                "id": r["application_id"],
                "reason": ui.t(
                    r["blocker"],
                    action=ui.t("onboarding.action.approve"),
                    status=ui.t(f"onboarding.status.{r['status']}"),
                ),
            }
            for r in candidates.blocked
        ],
    )
    confirm, cancel = st.columns(2)
    if confirm.button(
        ui.t("applications.bulk_confirm", count=len(candidates.clean_ids)),
        type="primary",
        disabled=not candidates.clean_ids,
        key="bulk_confirm",
    ):
        with ui.errors_shown():
            result = bulk.bulk_approve(user, candidates.clean_ids, session_id=ui.session_id())
        text.flash(
            FLASH,
            "applications.bulk_done",
            approved=len(result.approved),
            refused=len(result.refused),
        )
        widgets.rerun_clearing(BULK)
    if cancel.button(ui.t("applications.bulk_cancel"), key="bulk_cancel"):
        widgets.rerun_clearing(BULK)


def bulk_approval(user: User, clean_ids: list[str]) -> None:
    st.subheader(ui.t("applications.bulk_title"))
    picked = st.multiselect(
        ui.t("applications.bulk_pick"),
        clean_ids,
        placeholder=ui.t("applications.bulk_placeholder"),
        key="bulk_ids",
    )
    if st.button(ui.t("applications.bulk_review"), disabled=not picked, key="bulk_review"):
        st.session_state[BULK] = list(picked)
    # Open while the officer reviews it: each click inside reruns the dialog alone.
    if st.session_state.get(BULK):
        confirm_bulk_approval(user, st.session_state[BULK])


def render(user: User) -> None:
    st.title(ui.t("nav.applications"))
    text.show_flash(FLASH)
    status_col, type_col, district_col, flag_col, overdue_col = st.columns([2, 2, 2, 2, 1])
    status = widgets.url_select(
        "applications.status",
        "applications.all_open",
        APPLICATION_STATUSES,
        lambda s: ui.t(f"onboarding.status.{s}"),
        key="app_status",
        param="status",
        container=status_col,
    )
    seller_type = widgets.url_select(
        "applications.seller_type",
        "applications.all_types",
        SELLER_TYPES,
        lambda s: ui.t(f"onboarding.seller_type.{s}"),
        key="app_seller_type",
        param="seller_type",
        container=type_col,
    )
    flag = widgets.url_select(
        "applications.flag_filter",
        "applications.any_flag",
        list(FLAG_CHOICES),
        lambda f: ui.t(f"applications.{f}"),
        key="app_flag",
        param="flag",
        container=flag_col,
    )
    overdue = widgets.url_toggle(
        "applications.overdue_only", key="app_overdue", param="overdue", container=overdue_col
    )
    # The district choices come with the queue (they depend on the status filter); the
    # district chosen last time is in the widget's state, or in the URL on a first visit.
    widgets.init_widget("app_district", widgets.query_value("district"))
    with ui.errors_shown():
        shown = queue.view(
            user,
            queue.QueueFilter(
                statuses=(status,) if status else workflow.OPEN_STATUSES,
                district_code=st.session_state.get("app_district"),
                seller_type=seller_type,
                flagged=FLAG_CHOICES.get(flag or ""),
                overdue_only=overdue,
            ),
        )
    district = widgets.url_select(
        "applications.district",
        "applications.all_districts",
        shown.district_codes,
        labels.district_name,
        key="app_district",
        param="district",
        container=district_col,
    )
    if district != shown.filters.district_code:
        st.rerun()  # the district left the choices (another status): show the whole queue

    st.caption(
        ui.t(
            "applications.count",
            count=shown.count,
            overdue=shown.count_overdue,
            target=shown.target_days,
        )
    )
    if shown.count > shown.limit:
        st.caption(text.first_rows(shown.rows.height, shown.count))
    widgets.init_widget(OPEN, widgets.query_value("app"))
    event = tables.show_table(
        labels.with_district_names(shown.rows),
        QUEUE_COLUMNS,
        VALUE_PREFIXES,
        key="queue",
        on_select="rerun",
    )
    picked = tables.selected_row(event)
    if picked is not None:
        open_application(shown.rows["application_id"][picked])
    typed = st.text_input(
        ui.t("applications.open_by_id"),
        key=OPEN_BY_ID,
        placeholder=ui.t("applications.open_by_id_placeholder"),
        max_chars=limits.CODE,
    ).strip()
    if typed and typed != st.session_state.get(TYPED_SEEN):
        st.session_state[TYPED_SEEN] = typed
        open_application(typed)
    current = st.session_state.get(OPEN)
    widgets.mirror_query_params({"app": current})

    tab_detail, tab_bulk, tab_workload = st.tabs(
        [
            ui.t("applications.tab_detail"),
            ui.t("applications.tab_bulk"),
            ui.t("applications.tab_workload"),
        ]
    )
    with tab_detail:
        if current:
            show_application(user, current)
        else:
            st.info(ui.t("applications.pick_hint"), icon=":material/info:")
    with tab_bulk:
        bulk_approval(user, shown.clean_ids)
    with tab_workload:
        with ui.errors_shown():
            load = queue.workload(user)
        st.caption(ui.t("applications.workload_caption", days=queue.DAYS_WINDOW_WORKLOAD))
        tables.show_table(
            load,
            {
                "officer": "applications.officer",
                "count_in_review": "applications.count_in_review",
                "count_decided": "applications.count_decided",
            },
            key="workload",
        )


user = ui.guard("applications")
render(user)
