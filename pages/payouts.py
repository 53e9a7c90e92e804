"""Seller payouts (payments officers, admins): the next run as it stands (scheduled, held
by reason, below the minimum), holds placed and released, the runs made with their bank
files, and one seller's money trail: order → payment → settlement → bank credit → payout."""

import datetime as dt

import streamlit as st

from dashboard import formatting, ui
from dashboard.identity.user import User
from dashboard.payments import payout_bank, payouts, trail
from dashboard.ui import lake, tables, widgets
from dashboard.ui import payments as payments_ui
from warehouse import vocab

FLASH = "payouts_flash"
SCHEDULE = {
    "seller_id": "payments.col.seller_id",
    "count_orders": "payments.col.count_orders",
    "gross_thb": "payments.col.gross_thb",
    "fee_thb": "payments.col.fee_thb",
    "refunds_thb": "payments.col.refunds_thb",
    "chargebacks_thb": "payments.col.chargebacks_thb",
    "carried_thb": "payments.col.carried_thb",
    "transfer_fee_thb": "payments.col.transfer_fee_thb",
    "net_thb": "payments.col.net_thb",
    "status": "payments.col.status",
    "hold_reasons": "payments.col.hold_reasons",
}
HOLDS = {
    "hold_id": "payments.col.hold_id",
    "seller_id": "payments.col.seller_id",
    "reason_code": "payments.col.hold_reason",
    "note": "payments.col.note",
    "review_on": "payments.col.review_on",
    "amount_thb": "payments.col.amount_thb",
    "created_by_name": "payments.col.actor",
}
RUNS = {
    "run_id": "payments.col.run_id",
    "from_on": "payments.col.from_on",
    "through_on": "payments.col.through_on",
    "count_payouts": "payments.col.count_payouts",
    "total_thb": "payments.col.total_thb",
    "created_by_name": "payments.col.actor",
}
TRAIL = {
    "order_id": "payments.col.order_id",
    "ordered_at": "payments.col.ordered_at",
    "payment_channel": "payments.col.channel",
    "total_thb": "payments.col.paid_thb",
    "transaction_id": "payments.col.transaction_id",
    "settlement_batch_id": "payments.col.batch",
    "settled_on": "payments.col.settled_on",
    "credit_reference": "payments.col.credit_reference",
    "credited_on": "payments.col.credited_on",
    "payout_id": "payments.col.payout_id",
    "payout_run_id": "payments.col.run_id",
    "payout_status": "payments.col.payout_status",
}


def hold_form(user: User) -> None:
    with st.form("place_hold"):
        seller = st.text_input(ui.t("payments.col.seller_id"), key="hold_seller", max_chars=64)
        reason = st.selectbox(
            ui.t("payments.col.hold_reason"),
            vocab.MANUAL_HOLD_REASONS,
            format_func=lambda c: ui.t(f"payments.hold.{c}"),
            key="hold_reason",
        )
        note = st.text_input(ui.t("payments.note"), key="hold_note")
        review = st.date_input(
            ui.t("payments.col.review_on"),
            value=dt.date.today() + dt.timedelta(days=7),
            key="hold_review",
            format="DD/MM/YYYY",
        )
        if st.form_submit_button(ui.t("payments.place_hold")):
            if ui.text.attempt(
                payouts.place_hold,
                user,
                seller.strip(),
                reason,
                note,
                review,
                session_id=ui.session_id(),
            ):
                ui.text.flash(FLASH, "payments.hold_placed", seller=seller.strip())
                st.rerun()


def release_form(user: User, held) -> None:
    if held.is_empty():
        return
    # One form, like the hold's: the button carries the hold chosen and the reason typed (a
    # text box commits on blur, so a click straight after typing could come first).
    with st.form("release_hold", border=False, enter_to_submit=False):
        # Keyed by the newest hold: a hold placed since offers itself first, rather than
        # the choice made before it was placed.
        hold_id = st.selectbox(
            ui.t("payments.col.hold_id"),
            held["hold_id"].to_list(),
            key=f"release_id_{held['hold_id'][0]}",
        )
        reason = st.text_input(ui.t("payments.release_reason"), key="release_reason")
        release = st.form_submit_button(ui.t("payments.release_hold"), key="release_btn")
    if release:
        if ui.text.attempt(payouts.release_hold, user, hold_id, reason, session_id=ui.session_id()):
            ui.text.flash(FLASH, "payments.hold_released", hold_id=hold_id)
            st.rerun()


def render(user: User) -> None:
    st.title(ui.t("nav.payouts"))
    ui.text.show_flash(FLASH)
    con = lake.reader()
    with ui.errors_shown():
        window, sched = payouts.schedule(user, con)
        held = payouts.holds(user)
        made = payouts.runs(user)
    lang = ui.language()
    st.caption(
        ui.t(
            "payments.payout_window",
            start=formatting.format_date(window.from_on, lang),
            end=formatting.format_date(window.through_on, lang),
        )
    )
    if window.is_run_day:
        st.info(ui.t("payments.payout_run_today"), icon=":material/event_available:")
    elif window.run_on is not None:
        st.caption(
            ui.t(
                "payments.payout_next_run",
                day=formatting.format_date(window.run_on, lang),
                weekday=ui.t(f"payments.weekday.{payouts.WEEKDAYS[window.run_on.weekday()]}"),
            )
        )
    counts = {s: sched.filter(sched["status"] == s) for s in vocab.PAYOUT_SCHEDULE_STATUSES}
    cols = st.columns(len(counts))
    for col, (status, part) in zip(cols, counts.items(), strict=True):
        col.metric(
            ui.t(f"payments.payout_status.{status}"),
            formatting.format_baht(float(part["net_thb"].sum() or 0) if part.height else 0),
            ui.t("payments.sellers", count=part.height),
            delta_color="off",
            delta_arrow="off",  # a count of sellers, not a change: no "↑"
            border=True,
        )
    tables.show_table(
        payments_ui.with_hold_words(sched),
        SCHEDULE,
        {"status": "payments.payout_status"},
        key="payout_schedule",
    )
    if st.button(
        ui.t("payments.run_payouts"),
        type="primary",
        key="run_payouts",
        disabled=not window.is_run_day,
        help=None
        if window.is_run_day
        else ui.t("payments.payout.not_run_day", next_on=window.run_on),
    ):
        done = ui.text.attempt(payouts.run, user, con, session_id=ui.session_id())
        if done:
            ui.text.flash(
                FLASH, "payments.payouts_run", run_id=done["run_id"], count=done["count_payouts"]
            )
            st.rerun()
    st.subheader(ui.t("payments.holds_title"))
    tables.show_table(held, HOLDS, {"reason_code": "payments.hold"}, key="holds_table")
    place, release = st.columns(2)
    with place:
        hold_form(user)
    with release:
        release_form(user, held)
    st.subheader(ui.t("payments.runs_title"))
    tables.show_table(made, RUNS, key="runs_table")
    if made.height:
        run_id = st.selectbox(ui.t("payments.col.run_id"), made["run_id"].to_list(), key="file_run")
        name, data = payout_bank.bank_file(user, run_id)
        st.download_button(
            ui.t("payments.download_bank_file"),
            data=data,
            file_name=name,
            mime="text/csv",
            icon=":material/download:",
        )
    st.subheader(ui.t("payments.trail_title"))
    widgets.init_widget("trail_seller", widgets.query_value("seller") or "")
    seller = st.text_input(ui.t("payments.col.seller_id"), key="trail_seller", max_chars=64).strip()
    widgets.mirror_query_params({"seller": seller or None})
    if seller:
        with ui.errors_shown(stop=False):
            tables.show_table(
                trail.money_trail(user, con, seller),
                TRAIL,
                {"payment_channel": "payments.channel"},
                key="trail_table",
            )


user = ui.guard("payouts")
render(user)
