"""Reconciliation (payments officers, admins): the daily statement of each money rail,
the open breaks by class and age, and the money at risk. The rail and the window are in
the URL (``?rail=cod&days=90``)."""

import polars as pl
import streamlit as st

from dashboard import formatting, ui
from dashboard.identity.user import User
from dashboard.payments import figures, queue, recon, statement
from dashboard.ui import lake, tables, widgets
from warehouse import vocab

WINDOWS = ("7", "30", "90", "365")
QUEUE_PAGE = "pages/exception_queue.py"
PAYMENT_COLUMNS = {
    "day": "payments.col.day",
    "count_payments": "payments.col.count_payments",
    "paid_thb": "payments.col.paid_thb",
    "settled_thb": "payments.col.settled_thb",
    "in_transit_thb": "payments.col.in_transit_thb",
    "break_thb": "payments.col.break_thb",
    "residual_thb": "payments.col.residual_thb",
}
VALUE_COLUMNS = {
    "day": "payments.col.value_day",
    "gross_thb": "payments.col.gross_thb",
    "fee_thb": "payments.col.fee_thb",
    "fee_vat_thb": "payments.col.fee_vat_thb",
    "refunds_thb": "payments.col.refunds_thb",
    "net_thb": "payments.col.net_thb",
    "netted_thb": "payments.col.netted_thb",
    "credited_thb": "payments.col.credited_thb",
    "residual_thb": "payments.col.funding_residual_thb",
}
AGE_COLUMNS = {
    "break_class": "payments.col.break_class",
    "bucket": "payments.col.age",
    "count_open": "payments.col.count_open",
    "amount_thb": "payments.col.amount_thb",
}


def _money(value: float) -> str:
    return formatting.format_baht(value)


def headline(st_: statement.Statement) -> None:
    # Three and two to a row: five to a row cut a national total (฿123,456,789.01) short.
    cols = [*st.columns(3), *st.columns(3)[:2]]
    for col, name in zip(
        cols,
        ("paid_thb", "settled_thb", "in_transit_thb", "break_thb", "residual_thb"),
        strict=True,
    ):
        col.metric(
            ui.t(f"payments.col.{name}"), _money(st_.total("by_payment_day", name)), border=True
        )


def breaks_chart(age: pl.DataFrame) -> None:
    if age.is_empty():
        return
    fig = figures.breaks_by_age(age, ui.t, ui.t("payments.col.amount_thb"))
    st.plotly_chart(fig, key="breaks_by_age")


def render(user: User) -> None:
    st.title(ui.t("nav.reconciliation"))
    ui.text.show_flash("recon_flash")
    rail_col, days_col, run_col = st.columns([2, 2, 1])
    rail = (
        widgets.url_select(
            "payments.rail",
            "payments.rail.gateway",
            [r for r in vocab.PAYMENT_RAILS if r != "gateway"],
            lambda r: ui.t(f"payments.rail.{r}"),
            key="recon_rail",
            param="rail",
            container=rail_col,
        )
        or "gateway"
    )
    days = int(
        widgets.url_select(
            "payments.window",
            "payments.window.30",
            [w for w in WINDOWS if w != "30"],
            lambda w: ui.t(f"payments.window.{w}"),
            key="recon_days",
            param="days",
            container=days_col,
        )
        or "30"
    )
    if run_col.button(ui.t("payments.run_recon"), icon=":material/sync:"):
        with ui.errors_shown():
            result = recon.run(user, session_id=ui.session_id())
        ui.text.flash(
            "recon_flash",
            "payments.recon_done",
            opened=result.count_opened,
            closed=result.count_closed,
            breaks=result.count_breaks,
        )
        st.rerun()
    with ui.errors_shown():
        st_ = statement.daily_statement(user, lake.reader(), rail, days=days)
        age = queue.ageing(user)
    if st_.as_of is None:
        st.info(ui.t("payments.no_payments"), icon=":material/info:")
        return
    st.caption(ui.t("payments.as_of", day=formatting.format_date(st_.as_of, ui.language())))
    headline(st_)
    st.subheader(ui.t("payments.by_payment_day"))
    st.caption(ui.t("payments.by_payment_day_help"))
    tables.show_table(st_.by_payment_day, PAYMENT_COLUMNS, key="statement_paid")
    st.subheader(ui.t("payments.by_value_day"))
    st.caption(ui.t("payments.by_value_day_help"))
    tables.show_table(st_.by_value_day, VALUE_COLUMNS, key="statement_funded")
    st.subheader(ui.t("payments.breaks_by_age"))
    at_risk = queue.money_at_risk(age)
    st.metric(ui.t("payments.money_at_risk"), _money(at_risk), border=True)
    breaks_chart(age)
    tables.show_table(
        age,
        AGE_COLUMNS,
        {"break_class": "payments.class", "bucket": "payments.age"},
        key="breaks_age",
    )
    st.page_link(QUEUE_PAGE, label=ui.t("payments.open_queue"), icon=":material/list:")


user = ui.guard("reconciliation")
render(user)
