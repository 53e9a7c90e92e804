"""Applications (provincial officers, admins): the province's queue, oldest first, with days
waiting against the target; filters (in the URL too); one application with its checks,
documents, duplicate flags and decisions; workload per officer; bulk approval of clean
applications after a confirmation listing them.

The services decide who sees and does what (``dashboard.onboarding``); this page shows
their answers and their refusals.
"""

import streamlit as st

from dashboard import ui
from dashboard.errors import AppError
from dashboard.onboarding import checklist, duplicates, queue, validators, workflow

user = ui.guard("applications")

FLASH = "applications_flash"
BULK = "applications_bulk_pending"
OPEN = "app_open"
FLAG_CHOICES = ("flagged", "unflagged")
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


def flash(key: str, **params: object) -> None:
    ui.flash(FLASH, key, **params)


def open_application(application_id: str) -> None:
    st.session_state[OPEN] = application_id


def show_flags(app: dict, can_act: bool) -> None:
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
                    province=ui.province_label(flag["other_province_code"]),
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
                resolve_form(int(flag["flag_id"]))


def resolve_form(flag_id: int) -> None:
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
            try:
                duplicates.resolve(user, flag_id, resolution, note, session_id=ui.session_id())
            except AppError as exc:
                ui.show_error(exc)
            else:
                flash("applications.resolved")
                st.rerun()


def show_checklist(app: dict, can_act: bool) -> None:
    st.subheader(ui.t("applications.documents"))
    for item in app["checklist"]:
        state = item["state"]
        st.markdown(
            ui.md(
                "applications.document_line",
                document=ui.t(f"onboarding.document.{item['item']}"),
                state=ui.t(f"onboarding.document_state.{state}")
                if state
                else ui.t("applications.document_unseen"),
                note=item.get("note") or "",
            )
        )
    if not (can_act and app["status"] in workflow.OPEN_STATUSES):
        return
    with st.form("documents"):
        choices = {}
        for item in app["checklist"]:
            left, right = st.columns([2, 3])
            choices[item["item"]] = (
                left.selectbox(
                    ui.t(f"onboarding.document.{item['item']}"),
                    [None, *checklist.ITEM_STATES],
                    index=(
                        [None, *checklist.ITEM_STATES].index(item["state"]) if item["state"] else 0
                    ),
                    format_func=lambda s: (
                        ui.t("applications.document_unseen")
                        if s is None
                        else ui.t(f"onboarding.document_state.{s}")
                    ),
                    key=f"doc_state_{item['item']}",
                ),
                right.text_input(
                    ui.t("applications.note"),
                    value=item.get("note") or "",
                    key=f"doc_note_{item['item']}",
                ),
            )
        if st.form_submit_button(ui.t("applications.save_documents")):
            try:
                for item in app["checklist"]:
                    state, note = choices[item["item"]]
                    if state and (state, note or None) != (item["state"], item.get("note")):
                        workflow.set_document(
                            user,
                            app["application_id"],
                            item["item"],
                            state,
                            note,
                            session_id=ui.session_id(),
                        )
            except AppError as exc:
                ui.show_error(exc)
            else:
                flash("applications.documents_saved")
                st.rerun()


def decision_form(app: dict) -> None:
    st.subheader(ui.t("applications.decide"))
    action = st.selectbox(
        ui.t("applications.action"),
        app["allowed_actions"],
        format_func=lambda a: ui.t(f"onboarding.action.{a}"),
        key=f"action_{app['application_id']}",
    )
    reason = None
    kind = workflow.REASON_KIND.get(action)
    if kind:
        reasons = dict(workflow.reason_codes(kind, ui.language()))
        reason = ui.optional_select(
            "applications.reason",
            "common.choose",
            reasons,
            lambda r: reasons[r],
            key=f"reason_{app['application_id']}_{action}",
        )
    note = st.text_area(ui.t("applications.note"), key=f"decision_note_{app['application_id']}")
    if st.button(ui.t("applications.submit_decision"), type="primary", key="decision_submit"):
        try:
            workflow.transition(
                user,
                app["application_id"],
                action,
                reason_code=reason,
                note=note,
                expected_status=app["status"],
                session_id=ui.session_id(),
            )
        except AppError as exc:
            ui.show_error(exc)
        else:
            flash("applications.decided", action=ui.t(f"onboarding.action.{action}"))
            st.rerun()


def show_application(application_id: str) -> None:
    try:
        app = workflow.get(user, application_id)
    except AppError as exc:
        ui.show_error(exc)
        return
    can_act = bool(app["allowed_actions"])
    st.header(ui.md("applications.detail_title", id=app["application_id"], name=app["name_th"]))
    st.caption(
        ui.md(
            "applications.detail_caption",
            status=ui.t(f"onboarding.status.{app['status']}"),
            seller_type=ui.t(f"onboarding.seller_type.{app['seller_type']}")
            if app["seller_type"] in validators.SELLER_TYPES
            else app["seller_type"] or "",
            province=ui.province_label(app["province_code"]),
            district=ui.district_name(app["district_code"]),
            submitted=ui.format_datetime(app["submitted_at"]),
            source=ui.t(f"applications.source.{app['source']}"),
        )
    )
    ui.show_lines("applications.field_line", ui.application_fields(app))
    st.subheader(ui.t("applications.checks"))
    ui.show_checks(app["checks"])
    show_flags(app, can_act)
    show_checklist(app, can_act)
    for key in app["approval_blockers"]:
        st.warning(ui.t(key), icon=":material/block:")
    if can_act:
        decision_form(app)
    st.subheader(ui.t("applications.history"))
    ui.show_table(
        ui.events_frame(app["events"]),
        {
            "at": "applications.at",
            "action": "applications.action",
            "to_status": "applications.status",
            "reason_code": "applications.reason",
            "note": "applications.note",
            "actor_name": "applications.by",
        },
        {"action": "applications.event", "to_status": "onboarding.status"},
        key="history",
    )


def bulk_approval(clean_ids: list[str]) -> None:
    st.subheader(ui.t("applications.bulk_title"))
    picked = st.multiselect(
        ui.t("applications.bulk_pick"),
        clean_ids,
        placeholder=ui.t("applications.bulk_placeholder"),
        key="bulk_ids",
    )
    if st.button(ui.t("applications.bulk_review"), disabled=not picked, key="bulk_review"):
        st.session_state[BULK] = list(picked)
    pending = st.session_state.get(BULK)
    if not pending:
        return
    with ui.errors_shown():
        listing = workflow.bulk_approval_candidates(user, pending)
    clean = ui.rows_where(listing, "is_clean", True)
    with st.container(border=True):
        st.markdown(ui.md("applications.bulk_confirm_intro", count=clean.height))
        ui.show_lines(
            "applications.bulk_line",
            [{"id": r["application_id"], "name": r["name_th"]} for r in clean.to_dicts()],
        )
        blocked = ui.rows_where(listing, "is_clean", False)
        ui.show_lines(
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
                for r in blocked.to_dicts()
            ],
        )
        confirm, cancel = st.columns(2)
        if confirm.button(
            ui.t("applications.bulk_confirm", count=clean.height),
            type="primary",
            disabled=clean.is_empty(),
            key="bulk_confirm",
        ):
            with ui.errors_shown():
                result = workflow.bulk_approve(
                    user, clean["application_id"].to_list(), session_id=ui.session_id()
                )
            flash(
                "applications.bulk_done", approved=len(result.approved), refused=len(result.refused)
            )
            ui.rerun_clearing(BULK)
        if cancel.button(ui.t("applications.bulk_cancel"), key="bulk_cancel"):
            ui.rerun_clearing(BULK)


st.title(ui.t("nav.applications"))
ui.show_flash(FLASH)

ui.init_widget("app_status", ui.query_value("status", workflow.STATUSES))
ui.init_widget("app_seller_type", ui.query_value("seller_type", validators.SELLER_TYPES))
ui.init_widget("app_flag", ui.query_value("flag", FLAG_CHOICES))
ui.init_widget("app_overdue", ui.query_value("overdue", ["1"]) == "1")

status_col, type_col, district_col, flag_col, overdue_col = st.columns([2, 2, 2, 2, 1])
status = ui.optional_select(
    "applications.status",
    "applications.all_open",
    workflow.STATUSES,
    lambda s: ui.t(f"onboarding.status.{s}"),
    key="app_status",
    container=status_col,
)
seller_type = ui.optional_select(
    "applications.seller_type",
    "applications.all_types",
    validators.SELLER_TYPES,
    lambda s: ui.t(f"onboarding.seller_type.{s}"),
    key="app_seller_type",
    container=type_col,
)
statuses = (status,) if status else workflow.OPEN_STATUSES
with ui.errors_shown():
    base = queue.queue(user, queue.QueueFilter(statuses=statuses))
districts = ui.distinct(base, "district_code")
ui.init_widget("app_district", ui.query_value("district", districts))
if st.session_state["app_district"] not in [None, *districts]:
    st.session_state["app_district"] = None
district = ui.optional_select(
    "applications.district",
    "applications.all_districts",
    districts,
    ui.district_name,
    key="app_district",
    container=district_col,
)
flag = ui.optional_select(
    "applications.flag_filter",
    "applications.any_flag",
    FLAG_CHOICES,
    lambda f: ui.t(f"applications.{f}"),
    key="app_flag",
    container=flag_col,
)
overdue = overdue_col.toggle(ui.t("applications.overdue_only"), key="app_overdue")

with ui.errors_shown():
    shown = queue.queue(
        user,
        queue.QueueFilter(
            statuses=statuses,
            district_code=district,
            seller_type=seller_type,
            flagged={"flagged": True, "unflagged": False}.get(flag or ""),
            overdue_only=overdue,
        ),
    )
ids = shown["application_id"].to_list()
ui.init_widget(OPEN, ui.query_value("app"))
current = st.session_state.get(OPEN)
ui.mirror_query_params(
    {
        "status": status,
        "seller_type": seller_type,
        "district": district,
        "flag": flag,
        "overdue": "1" if overdue else None,
        "app": current,
    }
)

st.caption(
    ui.t(
        "applications.count",
        count=shown.height,
        overdue=ui.rows_where(shown, "is_overdue", True).height,
        target=ui.review_target_days(),
    )
)
ui.show_table(ui.with_district_names(shown), QUEUE_COLUMNS, VALUE_PREFIXES, key="queue")

names = dict(zip(ids, shown["name_th"].to_list(), strict=True))
ui.record_picker(
    "applications.open",
    "applications.pick",
    ids,
    lambda a: ui.t("applications.option", id=a, name=names.get(a, "")),
    key=OPEN,
)

tab_detail, tab_bulk, tab_workload = st.tabs(
    [
        ui.t("applications.tab_detail"),
        ui.t("applications.tab_bulk"),
        ui.t("applications.tab_workload"),
    ]
)
with tab_detail:
    if current:
        show_application(current)
    else:
        st.info(ui.t("applications.pick_hint"), icon=":material/info:")
with tab_bulk:
    bulk_approval(ui.rows_where(shown, "is_clean", True)["application_id"].to_list())
with tab_workload:
    with ui.errors_shown():
        load = queue.workload(user)
    st.caption(ui.t("applications.workload_caption", days=queue.DAYS_WINDOW_WORKLOAD))
    ui.show_table(
        load,
        {
            "officer": "applications.officer",
            "count_in_review": "applications.count_in_review",
            "count_decided": "applications.count_decided",
        },
        key="workload",
    )
