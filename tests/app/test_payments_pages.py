"""AppTests of the payments pages: the reconciliation statement and the exception queue,
for the payments officer and the admin; a case resolved from the queue."""

from __future__ import annotations

import pytest

from dashboard import i18n
from dashboard.identity.user import CLI_ACTOR
from dashboard.payments import queue
from tests.app.helpers import account_of, signed_in_app


def th(key: str, **params: object) -> str:
    return i18n.translate(key, "th", **params)


def _open(at, page: str):
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("role", ["payments_officer", "admin"])
def test_reconciliation_shows_the_statement_and_the_breaks(app_env, demo_accounts, role) -> None:
    at = _open(signed_in_app(*account_of(demo_accounts, role)), "reconciliation")
    assert at.title[0].value == th("nav.reconciliation")
    headings = [s.value for s in at.subheader]
    assert th("payments.by_payment_day") in headings
    assert th("payments.breaks_by_age") in headings
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[th("payments.col.residual_thb")] == "฿0.00"
    assert metrics[th("payments.money_at_risk")] != "฿0.00"


def test_reconciliation_rail_comes_from_the_url(app_env, demo_accounts) -> None:
    at = signed_in_app(*account_of(demo_accounts, "payments_officer"))
    at.query_params["rail"] = "cod"
    at = _open(at, "reconciliation")
    assert at.selectbox(key="recon_rail").value == "cod"


def test_exception_queue_resolves_a_case(app_env, demo_accounts) -> None:
    at = _open(signed_in_app(*account_of(demo_accounts, "payments_officer")), "exception_queue")
    assert at.title[0].value == th("nav.exception_queue")
    table = at.dataframe[0].value
    assert len(table) > 0
    case_id = int(table[th("payments.col.case_id")].iloc[0])
    at.session_state["case_open"] = case_id
    at.run()
    at.selectbox(key="case_resolution").select("refunded")
    at.text_area(key="case_note").input("refunded by 2C2P on 2 Dec")
    submit = next(b for b in at.button if b.label == th("payments.resolve"))
    submit.click().run()
    assert not at.exception, at.exception
    assert any(th("payments.resolved", case_id=case_id) in s.value for s in at.success)
    remaining = at.dataframe[0].value[th("payments.col.case_id")].tolist()
    assert case_id not in remaining


def test_a_comment_typed_and_sent_at_once_is_kept(app_env, demo_accounts) -> None:
    at = _open(signed_in_app(*account_of(demo_accounts, "payments_officer")), "exception_queue")
    case_id = int(at.dataframe[0].value[th("payments.col.case_id")].iloc[0])
    at.session_state["case_open"] = case_id
    at.run()
    at.text_input(key="case_comment").input("โทรหาสาขาแล้ว")
    next(b for b in at.button if b.label == th("payments.add_comment")).click().run()
    assert not at.exception, at.exception
    assert any(th("payments.commented", case_id=case_id) in s.value for s in at.success)
    notes = at.dataframe[1].value[th("payments.col.note")].tolist()
    assert "โทรหาสาขาแล้ว" in notes


def test_exception_queue_filter_lives_in_the_url(app_env, demo_accounts) -> None:
    at = signed_in_app(*account_of(demo_accounts, "admin"))
    at.query_params["class"] = "chargeback"
    at = _open(at, "exception_queue")
    assert at.selectbox(key="q_class").value == "chargeback"
    classes = set(at.dataframe[0].value[th("payments.col.break_class")])
    assert classes == {th("payments.class.chargeback")}


def test_exception_queue_pages_from_the_url_and_back_to_the_first_on_a_new_filter(
    app_env, demo_accounts, monkeypatch
) -> None:
    monkeypatch.setattr(queue, "PAGE_SIZE", 5)
    whole = queue.queue(CLI_ACTOR)["case_id"].to_list()
    assert len(whole) > 10
    at = signed_in_app(*account_of(demo_accounts, "payments_officer"))
    at.query_params["page"] = "2"
    at = _open(at, "exception_queue")
    shown = at.dataframe[0].value[th("payments.col.case_id")].tolist()
    assert shown == whole[5:10]
    assert at.number_input(key="q_page").value == 2
    assert th("common.page", pages=str(-(-len(whole) // 5))) == at.number_input(key="q_page").label
    assert f"{len(whole)} " in at.caption[0].value  # the count is of the whole selection
    at.number_input(key="q_page").set_value(3).run()
    assert at.dataframe[0].value[th("payments.col.case_id")].tolist() == whole[10:15]
    assert at.query_params["page"] == "3"
    at.selectbox(key="q_rail").select("gateway").run()
    assert at.number_input(key="q_page").value == 1
    assert "page" not in at.query_params


def test_cod_custody_for_a_branch_manager_and_an_officer(app_env, demo_accounts) -> None:
    for role in ("branch_manager", "payments_officer"):
        at = _open(signed_in_app(*account_of(demo_accounts, role)), "cod_custody")
        assert at.title[0].value == th("nav.cod_custody")
        labels = [m.label for m in at.metric]
        assert th("payments.col.overdue_thb") in labels


@pytest.mark.parametrize("page", ["payment_health", "settlement"])
def test_health_and_settlement_pages_render(app_env, demo_accounts, page) -> None:
    at = _open(signed_in_app(*account_of(demo_accounts, "payments_officer")), page)
    assert at.title[0].value == th(f"nav.{page}")
    assert len(at.dataframe) >= 1


def test_payouts_page_holds_and_releases_a_seller(app_env, demo_accounts) -> None:
    at = _open(signed_in_app(*account_of(demo_accounts, "payments_officer")), "payouts")
    assert at.title[0].value == th("nav.payouts")
    seller = at.dataframe[0].value[th("payments.col.seller_id")].iloc[0]
    at.text_input(key="hold_seller").input(seller)
    at.text_input(key="hold_note").input("ตรวจสอบคำร้องเรียน")
    next(b for b in at.button if b.label == th("payments.place_hold")).click().run()
    assert not at.exception, at.exception
    assert any(th("payments.hold_placed", seller=seller) in s.value for s in at.success)
    at.text_input(key="release_reason").input("ตรวจแล้วไม่พบปัญหา")
    next(b for b in at.button if b.label == th("payments.release_hold")).click().run()
    assert any("payments" not in s.value for s in at.success)
    assert not at.exception, at.exception


@pytest.mark.parametrize("approve", [False, True])
def test_a_second_officer_decides_a_write_off_with_the_note_typed(
    app_env, demo_accounts, approve: bool
) -> None:
    """A write-off above the limit waits for a second officer; the admin opens the case,
    types a note and approves or rejects it (the note and the click are one form; a
    rejection needs the note and puts the case back in the queue, said so)."""
    from sqlalchemy import select

    from dashboard.identity import auth
    from dashboard.payments import cases
    from warehouse import ops
    from warehouse.ops_schema_payments import pay_case

    with ops.read(ops.engine()) as conn:
        case_id = conn.execute(
            select(pay_case.c.case_id)
            .where(
                pay_case.c.status == "open",
                pay_case.c.amount_thb > app_env.write_off_approval_thb,
            )
            .order_by(pay_case.c.case_id)
            .limit(1)
        ).scalar_one()
    first = auth.sign_in(*account_of(demo_accounts, "payments_officer")[:2], session_id="seed")
    asked = cases.resolve(first, case_id, "written_off", "ติดตามไม่ได้เกิน 90 วัน")
    assert asked["status"] == "pending_approval"

    at = _open(signed_in_app(*account_of(demo_accounts, "admin")), "exception_queue")
    at.session_state["case_open"] = case_id
    at.run()
    at.text_input(key="approval_note").input("ตรวจเอกสารแล้ว" if approve else "ขอหลักฐานเพิ่ม")
    at.button(key=f"approve_{approve}").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    done = "payments.resolved" if approve else "payments.write_off_rejected"
    assert any(th(done, case_id=case_id) in s.value for s in at.success)
    with ops.read(ops.engine()) as conn:
        status = conn.execute(
            select(pay_case.c.status).where(pay_case.c.case_id == case_id)
        ).scalar_one()
    assert status == ("resolved" if approve else "open")
