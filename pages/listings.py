"""Listing moderation (provincial officers, admins): the province's queue, the automatic
checks of a listing shown before the officer decides, a decision (approve, reject with a
reason, request changes), and the same decision on many listings after a confirmation."""

import streamlit as st

from dashboard import formatting, ui
from dashboard.errors import AppError
from dashboard.onboarding import listings, workflow

user = ui.guard("listings")

FLASH = "listings_flash"
BULK = "listings_bulk_pending"
OPEN = "listing_open"
STATUSES = ("pending", "changes_requested", "approved", "rejected")
COLUMNS = {
    "listing_id": "listings.id",
    "version": "listings.version",
    "title_th": "listings.title",
    "category_code": "listings.category",
    "price_thb": "listings.price",
    "count_check_problems": "listings.problems",
    "has_approved_version": "listings.on_sale",
    "province": "listings.province",
    "submitted_at": "applications.submitted_at",
    "status": "applications.status",
}


def item_key(listing_id: str, version: int) -> str:
    return f"{listing_id}/{version}"


def split_key(key: str) -> tuple[str, int]:
    listing_id, version = key.rsplit("/", 1)
    return listing_id, int(version)


def reason_picker(decision: str, key: str) -> str | None:
    kind = listings.REASON_KIND.get(decision)
    if not kind:
        return None
    reasons = dict(workflow.reason_codes(kind, ui.language()))
    return ui.optional_select(
        "applications.reason",
        "common.choose",
        reasons,
        lambda r: reasons[r],
        key=f"{key}_{decision}",
    )


def decision_picker(key: str) -> str:
    return st.selectbox(
        ui.t("listings.decision"),
        list(listings.DECISIONS),
        format_func=lambda d: ui.t(f"onboarding.listing.decision.{d}"),
        key=key,
    )


def show_listing(key: str) -> None:
    listing_id, version = split_key(key)
    try:
        listing = listings.get_listing(user, listing_id)
    except AppError as exc:
        ui.show_error(exc)
        return
    row = next((v for v in listing["versions"] if v["version"] == version), listing["latest"])
    st.header(ui.md("listings.detail_title", id=listing_id, title=row["title_th"] or ""))
    st.caption(
        ui.md(
            "listings.detail_caption",
            version=row["version"],
            status=ui.t(f"onboarding.listing.status.{row['status']}"),
            seller=row["seller_id"],
            province=ui.province_label(row["province_code"]),
            price=formatting.format_baht(row["price_thb"]),
            category=row["category_code"] or "",
        )
    )
    if row["description"]:
        st.text(row["description"])
    on_sale = listing["on_sale"]
    if on_sale and on_sale["version"] != row["version"]:
        st.info(
            ui.md("listings.on_sale_version", version=on_sale["version"]), icon=":material/sell:"
        )
    st.subheader(ui.t("listings.checks"))
    checks = listing["checks"] if row is listing["latest"] else []
    if checks:
        ui.show_checks(checks)
    else:
        st.success(ui.t("listings.no_problems"), icon=":material/check_circle:")
    if row["status"] != "pending":
        return
    st.subheader(ui.t("applications.decide"))
    decision = decision_picker(f"decision_{key}")
    reason = reason_picker(decision, f"reason_{key}")
    note = st.text_area(ui.t("applications.note"), key=f"note_{key}")
    if st.button(ui.t("applications.submit_decision"), type="primary", key="listing_submit"):
        try:
            listings.decide(
                user,
                listing_id,
                version,
                decision,
                reason_code=reason,
                note=note,
                session_id=ui.session_id(),
            )
        except AppError as exc:
            ui.show_error(exc)
        else:
            ui.flash(
                FLASH,
                "listings.decided",
                id=listing_id,
                decision=ui.t(f"onboarding.listing.decision.{decision}"),
            )
            st.rerun()


def bulk(keys: list[str], titles: dict[str, str]) -> None:
    picked = st.multiselect(
        ui.t("listings.bulk_pick"),
        keys,
        format_func=lambda k: ui.t("listings.option", id=k, title=titles.get(k, "")),
        placeholder=ui.t("applications.bulk_placeholder"),
        key="listing_bulk_ids",
    )
    decision = decision_picker("listing_bulk_decision")
    reason = reason_picker(decision, "listing_bulk_reason")
    note = st.text_input(ui.t("applications.note"), key="listing_bulk_note")
    if st.button(ui.t("applications.bulk_review"), disabled=not picked, key="listing_bulk_review"):
        st.session_state[BULK] = list(picked)
    pending = st.session_state.get(BULK)
    if not pending:
        return
    with st.container(border=True):
        st.markdown(
            ui.md(
                "listings.bulk_confirm_intro",
                count=len(pending),
                decision=ui.t(f"onboarding.listing.decision.{decision}"),
            )
        )
        ui.show_lines(
            "listings.bulk_line", [{"id": k, "title": titles.get(k, "")} for k in pending]
        )
        confirm, cancel = st.columns(2)
        if confirm.button(ui.t("listings.bulk_confirm"), type="primary", key="listing_bulk_go"):
            with ui.errors_shown():
                result = listings.bulk_decide(
                    user,
                    [split_key(k) for k in pending],
                    decision,
                    reason_code=reason,
                    note=note,
                    session_id=ui.session_id(),
                )
            decided, refused = len(result.decided), len(result.refused)
            ui.flash(FLASH, "listings.bulk_done", decided=decided, refused=refused)
            ui.rerun_clearing(BULK)
        if cancel.button(ui.t("applications.bulk_cancel"), key="listing_bulk_cancel"):
            ui.rerun_clearing(BULK)


st.title(ui.t("nav.listings"))
ui.show_flash(FLASH)

ui.init_widget("listing_status", ui.query_value("status", STATUSES) or "pending")
status = st.selectbox(
    ui.t("applications.status"),
    STATUSES,
    format_func=lambda s: ui.t(f"onboarding.listing.status.{s}"),
    key="listing_status",
)
with ui.errors_shown():
    queue = listings.moderation_queue(user, status=status)
queue = ui.with_province_names(queue)
keys = [item_key(r["listing_id"], r["version"]) for r in queue.iter_rows(named=True)]
titles = dict(zip(keys, queue["title_th"].to_list(), strict=True))
ui.init_widget(OPEN, ui.query_value("listing"))
current = st.session_state.get(OPEN)
ui.mirror_query_params({"status": status, "listing": current})

st.caption(ui.t("listings.count", count=queue.height))
ui.show_table(queue, COLUMNS, {"status": "onboarding.listing.status"}, key="listing_queue")
ui.record_picker(
    "listings.open",
    "listings.pick",
    keys,
    lambda k: ui.t("listings.option", id=k, title=titles.get(k, "")),
    key=OPEN,
)
detail, many = st.tabs([ui.t("listings.tab_detail"), ui.t("listings.tab_bulk")])
with detail:
    if current:
        show_listing(current)
    else:
        st.info(ui.t("listings.pick_hint"), icon=":material/info:")
with many:
    if status == "pending":
        bulk(keys, titles)
    else:
        st.info(ui.t("listings.bulk_only_pending"), icon=":material/info:")
