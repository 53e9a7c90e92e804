"""Message catalogs: both languages complete, every key our code uses exists, every error
a service can raise has a message, and no page shows a string that bypasses the catalogs."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from dashboard import i18n

ROOT = Path(__file__).resolve().parents[2]
UI_FILES = sorted([ROOT / "streamlit_app.py", *(ROOT / "pages").glob("*.py")])
UI_MODULES = sorted((ROOT / "dashboard" / "ui").glob("*.py"))
# Every module of the app whose AppErrors can reach a screen.
ERROR_SOURCES = sorted(p for p in (ROOT / "dashboard").rglob("*.py") if "locales" not in p.parts)
ERROR_CLASSES = {
    "AppError",
    "PermissionDenied",
    "NotSignedIn",
    "NotFound",
    "Conflict",
    "ValidationFailed",
    "SignInFailed",
    "AccountLocked",
}
# Streamlit calls that put text on screen, and the keywords that carry such text.
DISPLAY_CALLS = {
    "title", "header", "subheader", "caption", "markdown", "write", "text", "info",
    "warning", "error", "success", "exception", "toast", "button", "form_submit_button",
    "download_button", "link_button", "page_link", "text_input", "text_area",
    "number_input", "selectbox", "multiselect", "radio", "checkbox", "toggle",
    "date_input", "time_input", "file_uploader", "slider", "select_slider", "metric",
    "expander", "tabs", "popover", "progress", "spinner", "status", "Page",
    "set_page_config", "dialog",
}  # fmt: skip
TEXT_KEYWORDS = {"label", "body", "help", "placeholder", "text", "title", "page_title", "caption"}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_catalogs_have_the_same_keys() -> None:
    th, en = i18n.catalog("th"), i18n.catalog("en")
    assert sorted(set(th) - set(en)) == []
    assert sorted(set(en) - set(th)) == []


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_no_message_is_empty(lang: str) -> None:
    assert [k for k, v in i18n.catalog(lang).items() if not v.strip()] == []


def test_placeholders_match_between_languages() -> None:
    th, en = i18n.catalog("th"), i18n.catalog("en")
    differ = {k for k in th if _placeholders(th[k]) != _placeholders(en[k])}
    assert sorted(differ) == []


def test_thai_is_the_default_and_unknown_languages_fall_back_to_it() -> None:
    assert i18n.DEFAULT_LANGUAGE == "th"
    assert i18n.translate("nav.home", "xx") == i18n.translate("nav.home", "th") == "หน้าหลัก"
    assert i18n.translate("nav.home", "en") == "Home"


def test_parameters_are_filled_and_a_missing_one_does_not_crash() -> None:
    assert i18n.translate("error.text_too_long", "en", max=200).endswith("than 200 characters")
    assert "{max}" in i18n.translate("error.text_too_long", "en")


def _string_args(node: ast.Call) -> list[ast.AST]:
    return [*node.args[:1], *(kw.value for kw in node.keywords if kw.arg in TEXT_KEYWORDS)]


def _literal_keys_used(path: Path) -> set[str]:
    """First arguments of t(...)/md(...) calls that are string literals."""
    keys = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            arg = node.args[0]
            if name in {"t", "md"} and isinstance(arg, ast.Constant):
                keys.add(arg.value)
    return keys


def test_every_literal_message_key_in_the_ui_exists() -> None:
    files = [*UI_FILES, *UI_MODULES]
    used = set().union(*(_literal_keys_used(f) for f in files))
    assert used, "the scan found no keys at all"
    assert sorted(k for k in used if not i18n.has_key(k)) == []


def _dynamic_keys() -> dict[str, list[str]]:
    """Every family of catalog keys built at run time, from the code's own vocabularies."""
    from dashboard import home, registry
    from dashboard.admin import audit_log
    from dashboard.onboarding import (
        checklist,
        duplicates,
        imports,
        listings,
        sheet_columns,
        workflow,
    )
    from dashboard.production import load_jobs
    from etl.feeds import validate
    from warehouse import vocab
    from warehouse.ops_schema import ROLES

    documents = {d for items in checklist.REQUIRED_DOCUMENTS.values() for d in items}
    events = [*workflow.TRANSITIONS, *(f"received_{s}" for s in imports.SOURCES)]
    return {
        "pages": [p.title_key for p in registry.PAGES] + [p.section_key for p in registry.PAGES],
        "roles": [f"role.{r}" for r in ROLES],
        "languages": [f"language.{c}" for c in i18n.LANGUAGES],
        "audit actions": [f"audit.actions.{a}" for a in audit_log.ACTIONS],
        "scopes": [
            f"scope.{k}" for k in ("national", "provinces", "branch", "postal_region", "none")
        ],
        "metrics": [f"metric.{k}" for k in home.METRIC_KEYS],
        "series": [f"series.{k}" for k in home.SERIES_KEYS],
        "statuses": [f"onboarding.status.{s}" for s in vocab.APPLICATION_STATUSES],
        "seller types": [f"onboarding.seller_type.{t}" for t in vocab.SELLER_TYPES],
        "actions": [f"onboarding.action.{a}" for a in workflow.TRANSITIONS],
        "history events": [f"applications.event.{e}" for e in events],
        "sources": [f"applications.source.{s}" for s in imports.SOURCES],
        "documents": [f"onboarding.document.{d}" for d in sorted(documents)],
        "document states": [f"onboarding.document_state.{s}" for s in checklist.ITEM_STATES],
        "flag fields": [
            f"onboarding.match_field.{f}"
            for f in ("national_id", "juristic_id", "bank_account", "phone")
        ],
        "flag statuses": [
            f"applications.flag_status.{s}" for s in ("open", *duplicates.RESOLUTIONS)
        ],
        "resolutions": [f"onboarding.resolution.{r}" for r in duplicates.RESOLUTIONS],
        "other kinds": [f"applications.other_kind.{k}" for k in ("application", "seller")],
        "listing statuses": [
            f"onboarding.listing.status.{s}" for s in vocab.LISTING_QUEUE_STATUSES
        ],
        "listing decisions": [f"onboarding.listing.decision.{d}" for d in listings.DECISIONS],
        # payments (issue 9)
        "break classes": [f"payments.class.{c}" for c in vocab.BREAK_CLASSES],
        "payment rails": [f"payments.rail.{r}" for r in (*vocab.PAYMENT_RAILS, "bank")],
        "case statuses": [f"payments.case_status.{s}" for s in vocab.CASE_STATUSES],
        "case resolutions": [f"payments.resolution.{r}" for r in vocab.RESOLUTION_CODES],
        "payment channels": [f"payments.channel.{c}" for c in vocab.PAYMENT_CHANNELS],
        "hold reasons": [f"payments.hold.{c}" for c in vocab.HOLD_REASONS],
        "payout statuses": [f"payments.payout_status.{s}" for s in vocab.PAYOUT_SCHEDULE_STATUSES],
        "case closed reasons": [
            f"payments.closed_reason.{r}" for r in vocab.CLOSED_BY_DATA_REASONS
        ],
        "categories": [f"listings.categories.{c}" for c in vocab.CATEGORIES],
        "load statuses": [f"loads.status.{s}" for s in ("loaded", "already_loaded", "failed")],
        # production mode
        "load job statuses": [f"production.job_status.{s}" for s in load_jobs.STATUSES],
        "check verdicts": sorted(_check_keys()),
        "decision downloads": [
            f"office.download_{name}_{kind}"
            for name in ("application_decisions", "listing_decisions")
            for kind in ("csv", "json")
        ],
        "flag filter": [f"applications.{f}" for f in ("flagged", "unflagged")],
        "quarantine reasons": [f"loads.reasons.{code}" for code in validate.REASONS],
        # Sheets: the mapping step's fields, place problems, a file's refusals.
        "sheet fields": [f"sheets.field.{f}" for f in sheet_columns.SHEET_FIELDS],
        "sheet places": [
            f"sheets.place.{p}" for p in ("unknown", "not_in_area", "ambiguous", "postal_code")
        ],
        "sheet refusals": [
            f"sheets.file.{k}" for k in ("empty", "binary", "not_xlsx", "encoding", "unreadable")
        ],
        **_logistics_keys(),
    }


def _logistics_keys() -> dict[str, list[str]]:
    # logistics
    from dashboard.logistics import cold_chain, kpis, network_map, performance, scorecards
    from warehouse import vocab

    return {
        "logistics kpis": [k.label_key for k in kpis.KPIS] + [k.formula_key for k in kpis.KPIS],
        "shipment statuses": [f"logistics.status.{s}" for s in vocab.SHIPMENT_STATUSES],
        "services": [f"logistics.service.{s}" for s in vocab.SERVICE_CODES],
        "backlog buckets": [f"logistics.bucket.{b[0]}" for b in performance.BACKLOG_BUCKETS_H],
        "lead time groups": [f"logistics.by.{g}" for g in performance.LEAD_TIME_GROUPS],
        "target statuses": [f"logistics.target.{s}" for s in scorecards.TARGET_STATUSES],
        "map views": [f"logistics.map.view.{v}" for v in network_map.VIEWS]
        + [f"logistics.map.legend.{v}" for v in network_map.VIEWS],
        "cold groups": [f"logistics.cold.by.{g}" for g in cold_chain.RATE_GROUPS],
        "cold classes": [f"logistics.cold_class.{c}" for c in vocab.COLD_CHAIN_CLASSES],
        # impact
        **_impact_keys(),
    }


def _impact_keys() -> dict[str, list[str]]:
    from dashboard.impact import figures, kpis, periods

    return {
        "impact kpis": kpis.text_keys(),
        "impact relative periods": [f"impact.period.{c}" for c in periods.RELATIVE],
        "impact levels": [f"impact.level.{lv}" for lv in figures.LEVELS],
        "impact income sources": [
            f"impact.income_source.{s}" for s in ("payouts", "delivered_sales")
        ],
    }


def _written_audit_actions() -> set[str]:
    """Every audit action the code can write: the literal ones at each ``trail.add``,
    ``audit.record`` and ``audit.append`` call, and the workflow's and listing decisions'
    families (``onboarding.application.{action}``, ``onboarding.listing.{decision}``)."""
    from dashboard.onboarding import listings, workflow

    found = {f"onboarding.application.{a}" for a in workflow.TRANSITIONS}
    found |= {f"onboarding.listing.{d}" for d in listings.DECISIONS}
    for path in (ROOT / "dashboard").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name == "add" and node.args and isinstance(node.args[0], ast.Constant):
                found.add(node.args[0].value)
            for kw in node.keywords:
                if (
                    name in ("record", "append")
                    and kw.arg == "action"
                    and isinstance(kw.value, ast.Constant)
                ):
                    found.add(kw.value.value)
    return {a for a in found if isinstance(a, str) and "." in a}


def test_every_written_audit_action_is_offered_and_named() -> None:
    """The audit log's filter offers, and names in words, every action the code writes."""
    from dashboard.admin import audit_log

    assert sorted(_written_audit_actions() - set(audit_log.ACTIONS)) == []


def _check_keys() -> set[str]:
    """The keys the validators and the listing checks build: _ok("x") → onboarding.check.x.ok,
    _bad("x", "why") → onboarding.check.x.why, bad("x", "why") → onboarding.listing.x.why."""
    keys: set[str] = set()
    sources = {
        "validators.py": ("onboarding.check", {"_ok", "_bad"}),
        "listing_checks.py": ("onboarding.listing", {"bad"}),
    }
    for name, (prefix, calls) in sources.items():
        tree = ast.parse((ROOT / "dashboard" / "onboarding" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) in calls):
                continue
            args = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if node.func.id == "_ok" and args:
                keys.add(f"{prefix}.{args[0]}.ok")
            elif len(args) >= 2:
                keys.add(f"{prefix}.{args[0]}.{args[1]}")
    return keys


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
@pytest.mark.parametrize("family", list(_dynamic_keys()))
def test_every_dynamic_message_key_family_exists(family: str, lang: str) -> None:
    """Keys built at run time (``onboarding.status.{s}``, ``metric.{key}`` …) exist: a
    missing one would show the bare key on screen, since translate falls back to it."""
    keys = _dynamic_keys()[family]
    assert keys, family
    assert sorted(k for k in keys if not i18n.has_key(k, lang)) == []


def test_the_check_key_scan_finds_the_validators_verdicts() -> None:
    keys = _check_keys()
    assert "onboarding.check.national_id.checksum" in keys
    assert "onboarding.check.phone.ok" in keys
    assert "onboarding.listing.photo.missing" in keys


def _error_keys(path: Path) -> set[str]:
    keys = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args:
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name in ERROR_CLASSES and isinstance(node.args[0], ast.Constant):
                keys.add(node.args[0].value)
        elif isinstance(node, ast.ClassDef):
            for stmt in node.body:
                if (
                    isinstance(stmt, ast.Assign)
                    and [getattr(t, "id", None) for t in stmt.targets] == ["key"]
                    and isinstance(stmt.value, ast.Constant)
                ):
                    keys.add(stmt.value.value)
    return keys


def test_every_error_key_has_a_message_in_both_languages() -> None:
    keys = set().union(*(_error_keys(f) for f in ERROR_SOURCES))
    for must in (
        "auth.sign_in_failed",
        "error.permission_denied",
        "error.not_signed_in",
        "error.not_found",
        "error.conflict",
        "error.validation_failed",
        "error.generic",
    ):
        assert must in keys
    for lang in i18n.LANGUAGES:
        assert sorted(k for k in keys if not i18n.has_key(k, lang)) == [], lang


def _literals_shown(path: Path) -> list[str]:
    """String literals passed as display text to Streamlit calls (st.x, st.sidebar.x,
    column.x ...), as ``file:line text``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in DISPLAY_CALLS:
            continue
        for arg in _string_args(node):
            items = arg.elts if isinstance(arg, ast.List | ast.Tuple) else [arg]
            for item in items:
                if isinstance(item, ast.JoinedStr) or (
                    isinstance(item, ast.Constant) and isinstance(item.value, str)
                ):
                    found.append(f"{path.name}:{item.lineno} {ast.unparse(item)}")
    return found


def test_pages_show_no_string_literals() -> None:
    assert len(UI_FILES) >= 6
    assert [hit for f in UI_FILES for hit in _literals_shown(f)] == []


def test_the_literal_scan_catches_a_literal(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text(
        'import streamlit as st\nst.title("Hello")\ncol.button(label=f"Go {x}")\n'
        'st.tabs(["One", t("two")])\nst.selectbox(t("k"), [1], key="not text")\n',
        encoding="utf-8",
    )
    hits = _literals_shown(page)
    assert [h.split(" ", 1)[1] for h in hits] == ["'Hello'", "f'Go {x}'", "'One'"]


def test_no_page_renders_html() -> None:
    for path in [*UI_FILES, *(ROOT / "dashboard").rglob("*.py")]:
        assert "unsafe_allow_html" not in path.read_text(encoding="utf-8"), path.name
        assert "st.html(" not in path.read_text(encoding="utf-8"), path.name
