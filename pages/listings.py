"""Listing moderation (provincial officers, admins): the province's queue, the automatic
checks of a listing shown before the officer decides, a decision (approve, reject with a
reason, request changes), and the same decision on many listings after a confirmation."""

import streamlit as st

from dashboard import formatting, ui
from dashboard.identity.user import User
from dashboard.onboarding import listing_decisions, listings, workflow
from dashboard.ui import labels, tables, text, widgets
from warehouse import limits
from warehouse.vocab import LISTING_QUEUE_STATUSES

FLASH = "listings_flash"
BULK = "listings_bulk_pending"
OPEN = "listing_open"
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
VALUE_PREFIXES = {"status": "onboarding.listing.status", "category_code": "listings.categories"}


def decision_name(decision: str) -> str:
    return ui.t(f"onboarding.listing.decision.{decision}")


def reason_picker(decision: str, key: str) -> str | None:
    kind = listings.REASON_KIND.get(decision)
    if not kind:
        return None
    reasons = dict(workflow.reason_codes(kind, ui.language()))
    return widgets.reason_select(reasons, key=f"{key}_{decision}")


@st.fragment
def show_listing(user: User, listing_id: str, version: int | None) -> None:
    """One listing version. A fragment: choosing a decision reruns this part only."""
    listing = text.attempt(listings.get_listing, user, listing_id, version)
    if listing is None:
        return
    row = listing["shown"]
    st.header(ui.md("listings.detail_title", id=listing_id, title=row["title_th"] or ""))
    st.caption(
        ui.md(
            "listings.detail_caption",
            version=row["version"],
            status=ui.t(f"onboarding.listing.status.{row['status']}"),
            seller=row["seller_id"],
            province=labels.province_label(row["province_code"]),
            price=formatting.format_baht(row["price_thb"]),
            category=ui.t(f"listings.categories.{row['category_code']}")
            if row["category_code"]
            else "",
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
    if listing["shown_checks"]:
        tables.show_checks(listing["shown_checks"])
    else:
        st.success(ui.t("listings.no_problems"), icon=":material/check_circle:")
    if not listing["allowed_decisions"]:
        return
    key = f"{listing_id}/{row['version']}"
    st.subheader(ui.t("applications.decide"))
    decision = st.selectbox(
        ui.t("listings.decision"),
        listing["allowed_decisions"],
        format_func=decision_name,
        key=f"decision_{key}",
    )
    # reason, note and click in one form (see pages/applications.py, decision_form)
    with st.form(f"listing_decision_{key}_{decision}", border=False):
        reason = reason_picker(decision, f"reason_{key}")
        note = st.text_area(ui.t("applications.note"), key=f"note_{key}", max_chars=limits.NOTE)
        submitted = st.form_submit_button(
            ui.t("applications.submit_decision"), type="primary", key="listing_submit"
        )
    if submitted:
        with ui.errors_shown(stop=False):
            listing_decisions.decide(
                user,
                listing_id,
                row["version"],
                decision,
                reason_code=reason,
                note=note,
                session_id=ui.session_id(),
            )
            text.flash(FLASH, "listings.decided", id=listing_id, decision=decision_name(decision))
            st.rerun()


@st.dialog(ui.t("listings.tab_bulk"), width="large", on_dismiss=widgets.forget(BULK))
def confirm_bulk(
    user: User,
    items: list[tuple[str, int]],
    titles: dict[tuple[str, int], str],
    decision: str,
    reason: str | None,
    note: str,
) -> None:
    """The listings a bulk decision will touch, before anything is done."""
    st.markdown(
        ui.md("listings.bulk_confirm_intro", count=len(items), decision=decision_name(decision))
    )
    tables.show_lines(
        "listings.bulk_line",
        [{"id": f"{i}/{v}", "title": titles.get((i, v), "")} for i, v in items],
    )
    confirm, cancel = st.columns(2)
    if confirm.button(ui.t("listings.bulk_confirm"), type="primary", key="listing_bulk_go"):
        with ui.errors_shown():
            result = listing_decisions.bulk_decide(
                user, items, decision, reason_code=reason, note=note, session_id=ui.session_id()
            )
        text.flash(
            FLASH, "listings.bulk_done", decided=len(result.decided), refused=len(result.refused)
        )
        widgets.rerun_clearing(BULK)
    if cancel.button(ui.t("applications.bulk_cancel"), key="listing_bulk_cancel"):
        widgets.rerun_clearing(BULK)


def bulk(user: User, titles: dict[tuple[str, int], str]) -> None:
    picked = st.multiselect(
        ui.t("listings.bulk_pick"),
        list(titles),
        format_func=lambda k: ui.t("listings.option", id=f"{k[0]}/{k[1]}", title=titles[k]),
        placeholder=ui.t("applications.bulk_placeholder"),
        key="listing_bulk_ids",
    )
    decision = st.selectbox(
        ui.t("listings.decision"),
        list(listings.DECISIONS),
        format_func=decision_name,
        key="listing_bulk_decision",
    )
    reason = reason_picker(decision, "listing_bulk_reason")
    note = st.text_input(ui.t("applications.note"), key="listing_bulk_note", max_chars=limits.NOTE)
    if st.button(ui.t("applications.bulk_review"), disabled=not picked, key="listing_bulk_review"):
        st.session_state[BULK] = list(picked)
    if st.session_state.get(BULK):
        confirm_bulk(user, st.session_state[BULK], titles, decision, reason, note)


def render(user: User) -> None:
    st.title(ui.t("nav.listings"))
    text.show_flash(FLASH)
    widgets.init_widget("listing_status", widgets.query_value("status", LISTING_QUEUE_STATUSES))
    if st.session_state["listing_status"] is None:
        st.session_state["listing_status"] = "pending"
    status = st.selectbox(
        ui.t("applications.status"),
        LISTING_QUEUE_STATUSES,
        format_func=lambda s: ui.t(f"onboarding.listing.status.{s}"),
        key="listing_status",
    )
    with ui.errors_shown():
        view = listings.moderation_view(user, status=status)
    rows = labels.with_province_names(view.rows)
    if view.count > view.limit:
        st.caption(text.first_rows(rows.height, view.count))
    else:
        st.caption(ui.t("listings.count", count=formatting.format_number(view.count)))
    widgets.init_widget(OPEN, widgets.query_value("listing"))
    event = tables.show_table(rows, COLUMNS, VALUE_PREFIXES, key="listing_queue", on_select="rerun")
    picked = tables.selected_row(event)
    if picked is not None:
        st.session_state[OPEN] = f"{rows['listing_id'][picked]}/{rows['version'][picked]}"
    current = st.session_state.get(OPEN)
    widgets.mirror_query_params(
        {"status": None if status == "pending" else status, "listing": current}
    )
    listing_id, _, version = (current or "").rpartition("/")
    detail, many = st.tabs([ui.t("listings.tab_detail"), ui.t("listings.tab_bulk")])
    with detail:
        if current and listing_id and version.isdigit():
            show_listing(user, listing_id, int(version))
        elif current:
            show_listing(user, current, None)
        else:
            st.info(ui.t("listings.pick_hint"), icon=":material/info:")
    with many:
        if status == "pending":
            titles = {
                (r["listing_id"], r["version"]): r["title_th"] or ""
                for r in rows.iter_rows(named=True)
            }
            bulk(user, titles)
        else:
            st.info(ui.t("listings.bulk_only_pending"), icon=":material/info:")


user = ui.guard("listings")
render(user)
