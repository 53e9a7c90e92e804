"""Exception queue (payments officers, admins): one case per reconciliation break. Filter
(kept in the URL: ``?status=open&class=missing_settlement&rail=cod&assignee=none&page=2``),
page through the cases, pick one, assign it, comment, resolve it with a resolution code; a
big write-off waits for a second officer. CSV and XLSX of everything the filter selects
(made when the button is clicked: on the large demo that is 118,000 cases)."""

import polars as pl
import streamlit as st

from dashboard import export, formatting, ui
from dashboard.identity.user import User
from dashboard.payments import cases, queue, write_off
from dashboard.ui import tables, widgets
from warehouse import vocab

OPEN = "case_open"
FLASH = "queue_flash"
PAGE = "q_page"
COLUMNS = {
    "case_id": "payments.col.case_id",
    "break_class": "payments.col.break_class",
    "rail": "payments.col.rail",
    "ref": "payments.col.ref",
    "amount_thb": "payments.col.amount_thb",
    "age_days": "payments.col.age_days",
    "status": "payments.col.status",
    "seller_id": "payments.col.seller_id",
    "province_code": "payments.col.province",
    "branch_code": "payments.col.branch",
    "assignee_name": "payments.col.assignee",
}
PREFIXES = {
    "break_class": "payments.class",
    "rail": "payments.rail",
    "status": "payments.case_status",
}
HISTORY = {
    "at": "payments.col.at",
    "action": "payments.col.action",
    "to_status": "payments.col.status",
    "note": "payments.col.note",
    "actor_name": "payments.col.actor",
}


def filters(user: User) -> queue.QueueFilter:
    cols = st.columns(4)
    status = widgets.url_select(
        "payments.col.status",
        "payments.case_status.open_all",
        ["all", *vocab.CASE_STATUSES],
        lambda s: ui.t(f"payments.case_status.{s}"),
        key="q_status",
        param="status",
        container=cols[0],
    )
    cls = widgets.url_select(
        "payments.col.break_class",
        "payments.all_classes",
        vocab.BREAK_CLASSES,
        lambda c: ui.t(f"payments.class.{c}"),
        key="q_class",
        param="class",
        container=cols[1],
    )
    rail = widgets.url_select(
        "payments.col.rail",
        "payments.all_rails",
        [*vocab.PAYMENT_RAILS, "bank"],
        lambda r: ui.t(f"payments.rail.{r}"),
        key="q_rail",
        param="rail",
        container=cols[2],
    )
    assignee = widgets.url_select(
        "payments.col.assignee",
        "payments.anyone",
        ["none", *queue.officers(user)],
        lambda a: ui.t("payments.unassigned") if a == "none" else a,
        key="q_assignee",
        param="assignee",
        container=cols[3],
    )
    return queue.QueueFilter(status=status or "open", break_class=cls, rail=rail, assignee=assignee)


def case_panel(user: User, case_id: int) -> None:
    case = cases.get(user, case_id)
    st.subheader(ui.t("payments.case_title", case_id=case_id))
    st.markdown(
        ui.md(
            "payments.case_line",
            cls=ui.t(f"payments.class.{case['break_class']}"),
            rail=ui.t(f"payments.rail.{case['rail']}"),
            amount=formatting.format_baht(float(case["amount_thb"])),
            status=ui.t(f"payments.case_status.{case['status']}"),
        )
    )
    # References and details are data from files: shown as code, never as markdown.
    st.code(f"{case['ref']}\n{case['detail'] or ''}", language=None)
    tables.show_table(cases.history(user, case_id), HISTORY, key="case_history")
    if case["status"] == "open":
        act_assign, act_comment = st.columns(2)
        people = queue.officers(user)
        who = act_assign.selectbox(
            ui.t("payments.assign_to"),
            people,
            key="case_assignee",
            index=people.index(user.username) if user.username in people else 0,
        )
        if act_assign.button(ui.t("payments.assign"), key="case_assign_btn"):
            if ui.text.attempt(cases.assign, user, [case_id], who, session_id=ui.session_id()):
                ui.text.flash(FLASH, "payments.assigned", case_id=case_id, who=who)
                st.rerun()
        # A form: the comment and the click reach the app together (a text input commits
        # on blur, and a click straight after typing could arrive before the text did).
        with act_comment.form("case_comment_form", clear_on_submit=True, border=False):
            note = st.text_input(ui.t("payments.comment"), key="case_comment")
            if st.form_submit_button(ui.t("payments.add_comment")):
                if ui.text.attempt(cases.comment, user, case_id, note, session_id=ui.session_id()):
                    ui.text.flash(FLASH, "payments.commented", case_id=case_id)
                    st.rerun()
        resolve_form(user, case)
    elif case["status"] == "pending_approval":
        st.warning(
            ui.md("payments.awaiting_approval", who=case["requested_by_name"] or ""),
            icon=":material/approval:",
        )
        # One form, the note typed reaching the app with the click (as the comment's).
        with st.form("write_off_decision", border=False, enter_to_submit=False):
            note = st.text_input(ui.t("payments.note"), key="approval_note")
            yes, no = st.columns(2)
            clicked = {
                approve: col.form_submit_button(
                    ui.t("payments.approve_write_off" if approve else "payments.reject_write_off"),
                    key=f"approve_{approve}",
                )
                for col, approve in ((yes, True), (no, False))
            }
        for approve, pressed in clicked.items():
            if pressed:
                done = ui.text.attempt(
                    write_off.decide,
                    user,
                    case_id,
                    approve,
                    note,
                    expected_version=case["version"],
                    session_id=ui.session_id(),
                )
                if done:
                    # a rejected write-off goes back to the queue, open: not "resolved"
                    key = "payments.resolved" if approve else "payments.write_off_rejected"
                    ui.text.flash(FLASH, key, case_id=case_id)
                    st.rerun()


def resolve_form(user: User, case: dict) -> None:
    with st.form("resolve_case"):
        code = st.selectbox(
            ui.t("payments.resolution"),
            vocab.RESOLUTION_CODES,
            format_func=lambda c: ui.t(f"payments.resolution.{c}"),
            key="case_resolution",
        )
        matched = st.text_input(ui.t("payments.matched_ref"), key="case_matched")
        note = st.text_area(ui.t("payments.note"), key="case_note", max_chars=cases.MAX_NOTE_LENGTH)
        if st.form_submit_button(ui.t("payments.resolve"), type="primary"):
            done = ui.text.attempt(
                cases.resolve,
                user,
                case["case_id"],
                code,
                note,
                matched_ref=matched,
                expected_version=case["version"],
                session_id=ui.session_id(),
            )
            if done:
                key = (
                    "payments.write_off_requested"
                    if done["status"] == "pending_approval"
                    else "payments.resolved"
                )
                ui.text.flash(FLASH, key, case_id=case["case_id"])
                st.session_state.pop(OPEN, None)
                st.rerun()


def everything(user: User, f: queue.QueueFilter) -> pl.DataFrame:
    """Every case the filter selects, as the downloads give them."""
    return queue.export_frame(queue.queue(user, f))


def render(user: User) -> None:
    st.title(ui.t("nav.exception_queue"))
    ui.text.show_flash(FLASH)
    with ui.errors_shown():
        f = filters(user)
        asked = widgets.requested_page(PAGE, param="page", scope=f)
        shown = queue.queue_page(user, f, asked)
    st.caption(
        ui.t(
            "payments.queue_count",
            count=formatting.format_number(shown.total),
            amount=formatting.format_baht(shown.amount_thb),
        )
    )
    rows = shown.rows
    event = tables.show_table(rows, COLUMNS, PREFIXES, key="queue_table", on_select="rerun")
    row = tables.selected_row(event)
    if row is not None:
        st.session_state[OPEN] = int(rows["case_id"][row])
        widgets.mirror_query_params({"case": str(st.session_state[OPEN])})
    elif (linked := widgets.query_value("case")) and linked.isdigit():
        st.session_state.setdefault(OPEN, int(linked))
    at, down_csv, down_xlsx = st.columns(3, vertical_alignment="bottom")
    widgets.pager(shown.page, shown.pages, key=PAGE, param="page", container=at)
    # the whole selection, read only when a download is clicked
    down_csv.download_button(
        ui.t("payments.export_csv"),
        data=lambda: export.csv_bytes(everything(user, f)),
        file_name="exception-queue.csv",
        mime="text/csv",
        icon=":material/download:",
    )
    down_xlsx.download_button(
        ui.t("payments.export_xlsx"),
        data=lambda: export.xlsx_bytes({"queue": everything(user, f)}),
        file_name="exception-queue.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
    )
    if OPEN in st.session_state:
        with ui.errors_shown(stop=False):
            case_panel(user, st.session_state[OPEN])


user = ui.guard("exception_queue")
render(user)
