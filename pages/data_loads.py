"""Data loads (admin): upload feed files or pick them from the inbox, run the ETL with a
progress bar, see what was loaded and what was quarantined (and why), and the ledger."""

import dataclasses

import streamlit as st

from dashboard import ui
from dashboard.services import loads

user = ui.guard("data_loads")

RESULTS = "loads_results"
UPLOADER_GENERATION = "loads_uploader_generation"
QUARANTINE_COLUMNS = {
    "line_no": "loads.line_no",
    "field": "loads.field",
    "value": "loads.value",
    "reason_code": "loads.reason_code",
    "reason": "loads.reason",
}
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


def show_quarantine(load_id: str) -> None:
    with ui.errors_shown():
        rows = loads.quarantine(user, load_id)
    ui.show_table(rows, QUARANTINE_COLUMNS, key=f"quarantine_{load_id}")
    if not rows.is_empty():
        st.download_button(
            ui.t("loads.download_quarantine"),
            data=lambda: loads.quarantine_csv(user, load_id),
            file_name=f"quarantine-{load_id}.csv",
            mime="text/csv",
            icon=":material/download:",
            key=f"download_{load_id}",
        )


st.title(ui.t("nav.data_loads"))

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
    format_func=ui.inbox_label,
    placeholder=ui.t("loads.pick_inbox_placeholder"),
)
if st.button(
    ui.t("loads.run"),
    type="primary",
    icon=":material/play_arrow:",
    disabled=not (uploads or picked),
):
    with ui.errors_shown():
        paths = [
            loads.save_upload(user, upload.name, upload.getvalue(), session_id=ui.session_id())
            for upload in uploads or []
        ] + list(picked)
        bar = st.progress(0.0, text=ui.t("loads.starting"))

        def report(fraction: float, message: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=ui.escape_markdown(message))

        results = loads.run_loads(user, paths, progress=report, session_id=ui.session_id())
    # The lake changed: cached figures and the reader's snapshot are stale now.
    ui.clear_cached_readers()
    st.session_state[RESULTS] = [dataclasses.asdict(result) for result in results]
    st.session_state[UPLOADER_GENERATION] = generation + 1
    st.rerun()

results = st.session_state.get(RESULTS)
if results:
    st.subheader(ui.t("loads.summary"))
    ui.show_table(
        ui.load_results_frame(results),
        {
            "file": "loads.file",
            "feed": "loads.feed",
            "status": "loads.status",
            "count_read": "loads.count_read",
            "count_loaded": "loads.count_loaded",
            "count_quarantined": "loads.count_quarantined",
            "by_reason": "loads.by_reason",
            "message": "loads.message",
        },
        {"status": "loads.status"},
        key="load_results",
    )
    for result in results:
        if result["count_quarantined"] and result["load_id"]:
            with st.expander(ui.md("loads.quarantined_in", file=result["file"]), expanded=True):
                show_quarantine(result["load_id"])

st.subheader(ui.t("loads.warehouse"))
with ui.errors_shown():
    tables = loads.warehouse_tables(user)
if tables.is_empty():
    st.info(ui.t("loads.warehouse_empty"), icon=":material/info:")
else:
    ui.show_table(tables, {"table": "loads.table", "rows": "loads.rows"}, key="warehouse")

st.subheader(ui.t("loads.ledger"))
with ui.errors_shown():
    ledger = loads.ledger(user)
feeds = ui.distinct(ledger, "feed")
ui.init_widget("ledger_feed", ui.query_value("feed", feeds))
feed = ui.optional_select(
    "loads.feed",
    "loads.all_feeds",
    feeds,
    key="ledger_feed",
)
shown = ui.rows_where(ledger, "feed", feed)
quarantined_loads = ui.quarantined_load_ids(shown)
ui.init_widget("ledger_load", ui.query_value("load", quarantined_loads))
if st.session_state["ledger_load"] not in quarantined_loads:
    st.session_state["ledger_load"] = None
ui.mirror_query_params({"feed": feed, "load": st.session_state.get("ledger_load")})
ui.show_table(shown, LEDGER_COLUMNS, key="ledger")
load_id = ui.optional_select(
    "loads.show_quarantine_of",
    "loads.pick_load",
    quarantined_loads,
    key="ledger_load",
)
if load_id:
    show_quarantine(load_id)
