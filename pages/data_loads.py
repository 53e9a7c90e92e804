"""Data loads (admin): upload feed files or pick them from the inbox, run the ETL with a
progress bar, see what was loaded and what was quarantined (and why), and the ledger."""

import streamlit as st

from dashboard import ui
from dashboard.admin import loads
from dashboard.identity.user import User
from dashboard.production import load_jobs
from dashboard.ui import admin as admin_ui
from dashboard.ui import lake, tables, widgets
from dashboard.ui import production as production_ui

RESULTS = "loads_results"
UPLOADER_GENERATION = "loads_uploader_generation"
QUARANTINE_COLUMNS = {
    "line_no": "loads.line_no",
    "field": "loads.field",
    "value": "loads.value",
    "reason_code": "loads.reason",  # in words, in the user's language
}
# The ETL's reasons (etl.feeds.validate.REASONS) in the catalogs; the CSV keeps its text.
QUARANTINE_WORDS = {"reason_code": "loads.reasons"}
LEDGER_COLUMNS = {
    "finished_at": "loads.finished_at",
    "feed": "loads.feed",
    "file_name": "loads.file",
    "count_read": "loads.count_read",
    "count_loaded": "loads.count_loaded",
    "count_quarantined": "loads.count_quarantined",
    "loaded_by": "loads.loaded_by",
    "load_id": "loads.load_id",
}
RESULT_COLUMNS = {
    "file": "loads.file",
    "feed": "loads.feed",
    "status": "loads.status",
    "count_read": "loads.count_read",
    "count_loaded": "loads.count_loaded",
    "count_quarantined": "loads.count_quarantined",
    "by_reason": "loads.by_reason",
    "message": "loads.message",
}


def show_quarantine(user: User, load_id: str) -> None:
    with ui.errors_shown():
        rows = loads.quarantine(user, load_id, lake=lake.reader_or_none())
    tables.show_table(rows, QUARANTINE_COLUMNS, QUARANTINE_WORDS, key=f"quarantine_{load_id}")
    if not rows.is_empty():
        st.download_button(
            ui.t("loads.download_quarantine"),
            data=lambda: loads.quarantine_csv(user, load_id, lake=lake.reader_or_none()),
            file_name=f"quarantine-{load_id}.csv",
            mime="text/csv",
            icon=":material/download:",
            key=f"download_{load_id}",
        )


def choose_and_run(user: User) -> None:
    st.subheader(ui.t("loads.choose_files"))
    generation = st.session_state.setdefault(UPLOADER_GENERATION, 0)
    uploads = st.file_uploader(
        ui.t("loads.upload"),
        accept_multiple_files=True,
        type=sorted(suffix.lstrip(".") for suffix in loads.FEED_SUFFIXES),
        key=f"uploader_{generation}",
    )
    with ui.errors_shown():
        inbox = loads.list_inbox(user)
    picked = st.multiselect(
        ui.t("loads.pick_inbox"),
        inbox,
        format_func=loads.inbox_label,
        placeholder=ui.t("loads.pick_inbox_placeholder"),
    )
    if not st.button(
        ui.t("loads.run"),
        type="primary",
        icon=":material/play_arrow:",
        disabled=not (uploads or picked),
    ):
        return
    with ui.errors_shown():
        paths = [
            loads.save_upload(user, upload.name, upload.getvalue(), session_id=ui.session_id())
            for upload in uploads or []
        ] + list(picked)
        # Production mode: the load is a job in the ops DB, run by this process's worker,
        # its progress and result seen from every replica (dashboard/production/load_jobs).
        st.session_state[production_ui.MY_JOB] = load_jobs.submit(
            user, paths, session_id=ui.session_id()
        )
    load_jobs.ensure_worker()
    st.session_state.pop(RESULTS, None)
    st.session_state.pop(production_ui.MY_JOB_OUTCOME, None)
    st.session_state[UPLOADER_GENERATION] = generation + 1
    st.rerun()


def last_results(user: User) -> None:
    results = st.session_state.get(RESULTS)
    if not results:
        return
    st.subheader(ui.t("loads.summary"))
    frame = loads.results_frame(results)
    tables.show_table(frame, RESULT_COLUMNS, {"status": "loads.status"}, key="load_results")
    for result, name in zip(results, frame["file"], strict=True):
        if result.count_quarantined and result.load_id:
            with st.expander(ui.md("loads.quarantined_in", file=name), expanded=True):
                show_quarantine(user, result.load_id)


def render(user: User) -> None:
    st.title(ui.t("nav.data_loads"))
    choose_and_run(user)
    finished = production_ui.load_jobs_panel(user)
    if finished is not None:
        # The lake changed: cached figures and the reader's snapshot are stale now.
        lake.lake_changed()
        st.session_state[RESULTS] = list(finished.results)
    last_results(user)

    st.subheader(ui.t("loads.warehouse"))
    with ui.errors_shown():
        tables_in_lake = admin_ui.warehouse_tables(user)
    if tables_in_lake.is_empty():
        st.info(ui.t("loads.warehouse_empty"), icon=":material/info:")
    else:
        tables.show_table(
            tables_in_lake, {"table": "loads.table", "rows": "loads.rows"}, key="warehouse"
        )

    st.subheader(ui.t("loads.ledger"))
    widgets.init_widget("ledger_feed", widgets.query_value("feed"))
    with ui.errors_shown():
        view = loads.ledger_view(
            user, st.session_state.get("ledger_feed"), lake=lake.reader_or_none()
        )
    feed = widgets.url_select(
        "loads.feed", "loads.all_feeds", view.feeds, key="ledger_feed", param="feed"
    )
    if feed != view.feed:
        st.rerun()  # the feed from the link is not in the ledger: show every feed
    tables.show_table(view.rows, LEDGER_COLUMNS, key="ledger")
    load_id = widgets.url_select(
        "loads.show_quarantine_of",
        "loads.pick_load",
        view.quarantined_load_ids,
        key="ledger_load",
        param="load",
    )
    if load_id:
        show_quarantine(user, load_id)


user = ui.guard("data_loads")
render(user)
