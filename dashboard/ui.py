"""The Streamlit side of the app shell: session, sign-in screen, page guard, errors, sidebar.

Every page module starts with ``user = ui.guard("<page key>")``. The guard exists because
of a Streamlit (1.67) behaviour: while no script has called ``st.navigation`` yet, a
folder named ``pages/`` next to the entrypoint puts the server in its legacy page-folder
mode, and a deep link such as ``/data_loads`` runs ``pages/data_loads.py`` on its own,
without the entrypoint's sign-in gate. So each page must refuse by itself:

- the entrypoint marks each run it routes (``mark_entry``); a page run without that mark
  was started by the legacy mode;
- an anonymous visitor of such a run is sent to the entrypoint (which shows the sign-in
  screen and switches the server to ``st.navigation`` for good); where that is not
  possible the guard draws the sign-in form itself;
- nobody gets past the guard without a signed-in account whose role has the page
  (``authz.require_page``); the guard ``st.stop()``s before any data is read.

Access decisions stay in ``dashboard.authz`` and the services; this module only asks them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import geothai
import polars as pl
import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboard import auth, authz, formatting, i18n
from dashboard.auth import User
from dashboard.errors import AppError, NotFound
from dashboard.services import home
from warehouse.lake import LakeError, LakeMissing, connect_reader
from warehouse.ops_schema import ROLES as _ROLES
from warehouse.settings import load_settings

ENTRYPOINT = "streamlit_app.py"
ROLES: tuple[str, ...] = tuple(_ROLES)
# Session-state keys. Underscored ones are internal; none holds a password.
SESSION_USER = "postmart_user"
SESSION_ID = "postmart_session_id"
LAST_ACTIVITY = "postmart_last_activity"
FLASH = "postmart_flash"
SIGN_IN_LANGUAGE = "postmart_sign_in_language"
SSO_TRIED = "_postmart_sso_tried"
_VIA_ENTRY = "_postmart_via_entry"

# Actions the audit log filter offers (their names are in the catalogs, audit.actions.*).
AUDIT_ACTIONS: tuple[str, ...] = (
    "auth.sign_in",
    "auth.sign_in_failed",
    "auth.sign_out",
    "auth.password_changed",
    "auth.language_changed",
    "user.created",
    "user.updated",
    "user.enabled",
    "user.disabled",
    "user.password_reset",
    "data.upload",
    "data.load",
    "data.load_failed",
)
# The audit page shows the newest entries up to this many; the CSV export has them all.
AUDIT_ROWS_SHOWN = 500

# Live figures are cached briefly: a load clears them, the ttl bounds staleness otherwise.
FIGURES_TTL_S = 300

# Page key -> (catalog key of its section, material icon), in the order of authz.PAGES.
PAGE_SECTIONS: dict[str, str] = {
    "home": "nav.section.overview",
    "my_account": "nav.section.account",
    "applications": "nav.section.onboarding",
    "application_import": "nav.section.onboarding",
    "listings": "nav.section.onboarding",
    "office": "nav.section.onboarding",
    "users": "nav.section.admin",
    "data_loads": "nav.section.admin",
    "audit_log": "nav.section.admin",
}
PAGE_ICONS: dict[str, str] = {
    "home": ":material/dashboard:",
    "my_account": ":material/account_circle:",
    "applications": ":material/assignment_ind:",
    "application_import": ":material/post_add:",
    "listings": ":material/storefront:",
    "office": ":material/insights:",
    "users": ":material/manage_accounts:",
    "data_loads": ":material/upload_file:",
    "audit_log": ":material/history:",
}


# --- language -----------------------------------------------------------------------------


def language() -> str:
    """The signed-in user's language, else the one chosen on the sign-in screen (Thai)."""
    user = st.session_state.get(SESSION_USER)
    if user is not None:
        return i18n.normalize_language(user.language)
    return i18n.normalize_language(st.session_state.get(SIGN_IN_LANGUAGE))


def t(key: str, **params: Any) -> str:
    """The catalog message ``key`` in the current language."""
    return i18n.translate(key, language(), **params)


def md(key: str, **params: Any) -> str:
    """Like :func:`t`, for markdown elements: the parameters (user text such as names) are
    escaped, so they show as typed and never become links, images or formatting."""
    return t(key, **{name: escape_markdown(str(value)) for name, value in params.items()})


def action_name(action: str) -> str:
    """An audit action in words (``user.created`` → "Account created"); unknown ones as is."""
    key = f"audit.actions.{action}"
    return t(key) if i18n.has_key(key, language()) else action


def show_error(exc: AppError) -> None:
    """The one place an AppError becomes on-screen text, in the user's language."""
    st.error(md(exc.key, **exc.params), icon=":material/error:")


def optional_select(
    label_key: str,
    none_key: str,
    choices: Sequence[Any],
    label: Callable[[Any], str] = str,
    *,
    key: str,
    container: Any = None,
) -> Any:
    """A select box whose first entry is "none chosen" (``none_key``: "all districts",
    "choose…"), the others shown through ``label``; None while none is chosen."""
    return (container or st).selectbox(
        t(label_key),
        [None, *choices],
        format_func=lambda value: t(none_key) if value is None else label(value),
        placeholder=t(none_key),
        key=key,
    )


def record_picker(
    label_key: str, pick_key: str, ids: list[str], label: Callable[[str], str], *, key: str
) -> None:
    """A select box of the records a queue shows. The record already open stays listed
    when a filter hides it, so changing a filter does not close what the officer reads."""
    current = st.session_state.get(key)
    options = ids if current in (None, *ids) else [current, *ids]
    optional_select(label_key, pick_key, options, label, key=key)


def flash(slot: str, key: str, **params: Any) -> None:
    """Keep a success message (catalog ``key``) to show after the ``st.rerun()`` that follows
    an action; ``slot`` is the page's own session key."""
    st.session_state[slot] = (key, params)


def rerun_clearing(*keys: str) -> None:
    """End an action: forget its pending state (e.g. a bulk selection under review) and
    rerun, so the page draws the outcome."""
    for key in keys:
        st.session_state.pop(key, None)
    st.rerun()


def show_flash(slot: str) -> None:
    """Show, once, the message an action kept with :func:`flash`."""
    notice = st.session_state.pop(slot, None)
    if notice:
        st.success(md(notice[0], **notice[1]), icon=":material/check:")


@contextlib.contextmanager
def errors_shown(*, stop: bool = True) -> Iterator[None]:
    """Show an expected failure kindly (no traceback); stop the page unless told not to."""
    try:
        yield
    except AppError as exc:
        show_error(exc)
        if stop:
            st.stop()
    except LakeError:
        # No lake yet, or a writer holds it: an operator problem, not a bug on this page.
        show_error(AppError("error.lake_unavailable"))
        if stop:
            st.stop()


# --- session ------------------------------------------------------------------------------


def session_id() -> str:
    """An id for this browser session, written to every audit entry it causes."""
    if SESSION_ID not in st.session_state:
        st.session_state[SESSION_ID] = uuid.uuid4().hex
    return st.session_state[SESSION_ID]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def start_session(user: User) -> None:
    st.session_state[SESSION_USER] = user
    st.session_state[LAST_ACTIVITY] = _now()


def _end_session(flash_key: str | None) -> None:
    for key in (SESSION_USER, LAST_ACTIVITY, SESSION_ID):
        st.session_state.pop(key, None)
    if flash_key:
        st.session_state[FLASH] = flash_key


def set_session_user(user: User) -> None:
    """Replace the session's copy of the user (after a language or password change)."""
    st.session_state[SESSION_USER] = user


def sso_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section (see docs/sso.md)."""
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def _sso_user() -> User | None:
    """The account mapped to the identity-provider login of this browser, if any."""
    if not sso_configured() or not st.user.is_logged_in:
        return None
    identity = st.user.get("email") or st.user.get("sub") or ""
    # Map (and audit) an identity once per session, not on every rerun.
    if st.session_state.get(SSO_TRIED) == identity:
        return None
    st.session_state[SSO_TRIED] = identity
    try:
        return auth.user_for_identity(str(identity), session_id=session_id())
    except AppError as exc:
        st.session_state[FLASH] = exc.key
        return None


def current_user() -> User | None:
    """The signed-in user, re-read from the ops DB; None when anonymous or expired.

    Re-reading makes a disabled account, or a changed role or scope, take effect at the
    next click rather than at the next sign-in. An idle session ends (and is audited as a
    sign-out) once ``session_idle_minutes`` have passed without a rerun.
    """
    user: User | None = st.session_state.get(SESSION_USER)
    if user is None:
        sso_user = _sso_user()
        if sso_user is not None:
            start_session(sso_user)
        return sso_user
    now = _now()
    last = st.session_state.get(LAST_ACTIVITY)
    if last is not None and auth.session_expired(last, now):
        auth.sign_out(user, session_id=session_id())
        _end_session("auth.session_expired")
        return None
    fresh = auth.load_user(user.user_id)
    if fresh is None or fresh.username != user.username:
        _end_session("error.not_signed_in")
        return None
    st.session_state[SESSION_USER] = fresh
    st.session_state[LAST_ACTIVITY] = now
    return fresh


def sign_out(user: User) -> None:
    """End the session (audited), and the identity provider's login too when there is one."""
    auth.sign_out(user, session_id=session_id())
    _end_session("auth.signed_out")
    st.session_state.pop(SSO_TRIED, None)
    if sso_configured() and st.user.is_logged_in:
        st.logout()
    st.rerun()


# --- sign-in screen -----------------------------------------------------------------------


def _language_picker() -> None:
    st.radio(
        t("account.language"),
        options=list(i18n.LANGUAGES),
        format_func=lambda code: i18n.translate(f"language.{code}", code),
        horizontal=True,
        key=SIGN_IN_LANGUAGE,
        label_visibility="collapsed",
    )


def sign_in_page() -> None:
    """The sign-in screen as a page of the entrypoint's navigation."""
    sign_in_screen(via_entry=_consume_entry_mark())


def sign_in_screen(*, via_entry: bool = True) -> None:
    """Username and password form; one generic message for every failure.

    ``via_entry`` False means the form is drawn by a page that runs on its own (legacy
    page-folder mode): after signing in, the visitor goes to the entrypoint, which builds
    the navigation for their role.
    """
    if SIGN_IN_LANGUAGE not in st.session_state:
        st.session_state[SIGN_IN_LANGUAGE] = i18n.DEFAULT_LANGUAGE
    _, column, _ = st.columns([1, 2, 1])
    with column:
        _sign_in_form(via_entry)


def _sign_in_form(via_entry: bool) -> None:
    _language_picker()
    st.title(t("app.title"))
    st.caption(t("app.tagline"))
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.info(t(flash), icon=":material/info:")
    with st.form("sign_in", clear_on_submit=True, enter_to_submit=True):
        st.subheader(t("auth.sign_in_title"))
        username = st.text_input(t("auth.username"), key="sign_in_username")
        password = st.text_input(t("auth.password"), type="password", key="sign_in_password")
        submitted = st.form_submit_button(t("auth.sign_in"), type="primary")
    if submitted:
        try:
            user = auth.sign_in(username, password, session_id=session_id())
        except AppError as exc:
            show_error(exc)
        else:
            start_session(user)
            st.session_state.pop(FLASH, None)
            if not via_entry:
                _to_entrypoint()
            st.rerun()
    if sso_configured():
        st.divider()
        if st.user.is_logged_in:
            # Signed in at the identity provider, but no active account matches.
            if st.button(t("auth.sso_sign_out"), icon=":material/logout:"):
                st.session_state.pop(SSO_TRIED, None)
                st.logout()
        elif st.button(t("auth.sign_in_sso"), icon=":material/key:"):
            st.login()


# --- guard --------------------------------------------------------------------------------


def mark_entry() -> None:
    """Called by the entrypoint right before it runs the chosen page."""
    st.session_state[_VIA_ENTRY] = True


def _consume_entry_mark() -> bool:
    """True when the entrypoint routed this run; the mark is used up either way."""
    return bool(st.session_state.pop(_VIA_ENTRY, False))


def _to_entrypoint() -> None:
    """Leave a page that runs on its own (legacy page-folder mode) for the entrypoint.

    Returns only when that is impossible: when the page file itself is the main script,
    as in an AppTest of the file alone.
    """
    with contextlib.suppress(StreamlitAPIException):
        st.switch_page(ENTRYPOINT)


def guard(page_key: str) -> User:
    """The signed-in user allowed to see ``page_key``; otherwise the page stops here.

    The first statement of every page module. Anonymous visitors see the sign-in screen,
    users whose role lacks the page see a refusal; neither gets any data.
    """
    via_entry = _consume_entry_mark()
    user = current_user()
    if user is None:
        if not via_entry:
            _to_entrypoint()
        sign_in_screen(via_entry=via_entry)
        st.stop()
    try:
        return authz.require_page(user, page_key)
    except AppError as exc:
        show_error(exc)
        st.stop()
    raise AssertionError("unreachable")  # st.stop() raises


# --- navigation and sidebar ---------------------------------------------------------------


def navigation_sections(user: User, page_path: Callable[[str], str]) -> dict[str, list]:
    """``st.navigation`` input: the user's allowed pages grouped by translated section."""
    sections: dict[str, list] = {}
    for index, key in enumerate(authz.allowed_pages(user)):
        page = st.Page(
            page_path(key),
            title=t(f"nav.{key}"),
            icon=PAGE_ICONS[key],
            url_path=key,
            default=index == 0,
        )
        sections.setdefault(t(PAGE_SECTIONS[key]), []).append(page)
    return sections


def sign_in_pages(page_keys: list[str]) -> list:
    """Pages for an anonymous visitor: the sign-in screen, also under every page's URL.

    A deep link such as ``/data_loads`` then shows the sign-in screen without a "page not
    found" notice, and after signing in the same URL opens the real page when the role has
    it (a page's identity is its url_path).
    """
    title = t("auth.sign_in_title")
    pages = [st.Page(sign_in_page, title=title, url_path="sign_in", default=True)]
    pages += [
        st.Page(sign_in_page, title=title, url_path=key, visibility="hidden") for key in page_keys
    ]
    return pages


def sidebar(user: User) -> None:
    """Who is signed in, their scope, and the sign-out button."""
    with st.sidebar:
        st.markdown(f"**{escape_markdown(user.display_name)}**")
        st.caption(f"{t(f'role.{user.role}')} · {scope_text(user)}")
        if user.must_change_password:
            st.warning(t("account.must_change_password"), icon=":material/password:")
        if st.button(t("auth.sign_out"), icon=":material/logout:", key="sign_out"):
            sign_out(user)


# --- rendering helpers --------------------------------------------------------------------


_MARKDOWN_SPECIAL = "\\`*_{}[]()<>#+-.!|~$"


def escape_markdown(text: str) -> str:
    """User text inside markdown shows as typed (no links, no formatting, no HTML)."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in str(text))


def scope_text(user: User) -> str:
    """The user's data scope in words: national, provinces by name, branch or region."""
    try:
        label = authz.scope_label(user)
    except AppError:
        return t("scope.none")
    lang = language()
    if label["kind"] == "provinces":
        names = ", ".join(formatting.province_name(code, lang) for code in label["codes"])
        return t("scope.provinces", names=names)
    if label["kind"] == "branch":
        return t("scope.branch", code=label["code"])
    if label["kind"] == "postal_region":
        return t("scope.postal_region", number=formatting.postal_region_number(label["code"]))
    return t("scope.national")


def query_value(
    name: str, allowed: Mapping[str, Any] | list[str] | tuple[str, ...] | None = None
) -> str | None:
    """A filter value from the URL, or None when absent or not among ``allowed``.

    Call only after the guard: a shared link restores a view, never widens what the
    signed-in user may see (the services check that again).
    """
    value = st.query_params.get(name)
    if value in (None, ""):
        return None
    if allowed is not None and value not in allowed:
        return None
    return value


def query_date(name: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` date from the URL, or None when absent or malformed."""
    value = query_value(name)
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def init_widget(key: str, value: Any) -> None:
    """Start a keyed widget at ``value`` (e.g. from the URL) the first time it is drawn."""
    if key not in st.session_state:
        st.session_state[key] = value


def mirror_query_params(values: Mapping[str, str | None]) -> None:
    """Write the page's filters into the URL so the view can be shared as a link."""
    for name, value in values.items():
        if value in (None, ""):
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get(name) != value:
            st.query_params[name] = value


def _cell(value: Any, dtype: pl.DataType, lang: str, value_prefix: str | None) -> str:
    if value is None:
        return formatting.MISSING
    if isinstance(dtype, pl.Datetime):
        return formatting.format_datetime(value, lang)
    if isinstance(dtype, pl.Date):
        return formatting.format_date(value, lang)
    if isinstance(dtype, pl.Boolean):
        return t("common.yes") if value else t("common.no")
    if isinstance(dtype, pl.List):
        return ", ".join(str(v) for v in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return formatting.format_number(value)
    if value_prefix and i18n.has_key(f"{value_prefix}.{value}", lang):
        return t(f"{value_prefix}.{value}")
    if isinstance(value, float):
        return formatting.format_number(value, decimals=2)
    return str(value)


def display_frame(
    df: pl.DataFrame,
    columns: Mapping[str, str],
    value_prefixes: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """The ``columns`` of ``df`` (name -> catalog key of the heading) ready to show:
    dates in the reader's calendar, yes/no, and coded values (``value_prefixes``: column ->
    catalog prefix, e.g. ``role`` -> ``role.admin``) in words. Cells stay plain text."""
    lang = language()
    prefixes = value_prefixes or {}
    schema = df.schema
    data: dict[str, list[str]] = {}
    for name, label_key in columns.items():
        dtype, prefix = schema[name], prefixes.get(name)
        values = df[name].to_list()
        if isinstance(dtype, pl.List):  # lists are not hashable
            data[t(label_key)] = [_cell(v, dtype, lang, prefix) for v in values]
            continue
        # Each distinct value is formatted once: a 5,000-row queue repeats its districts,
        # statuses and yes/no many times, and formatting a cell is the slow part.
        memo: dict[Any, str] = {}
        cells = []
        for v in values:
            cell = memo.get(v)
            if cell is None:
                cell = memo[v] = _cell(v, dtype, lang, prefix)
            cells.append(cell)
        data[t(label_key)] = cells
    return pl.DataFrame(data, schema={name: pl.Utf8 for name in data})


def show_table(
    df: pl.DataFrame,
    columns: Mapping[str, str],
    value_prefixes: Mapping[str, str] | None = None,
    *,
    key: str | None = None,
) -> None:
    """A read-only table of ``df`` (see :func:`display_frame`); empty shows a note."""
    if df.is_empty():
        st.info(t("common.no_rows"), icon=":material/info:")
        return
    st.dataframe(display_frame(df, columns, value_prefixes), hide_index=True, key=key)


def metric_grid(metrics: list, per_row: int = 3) -> None:
    """``home.Metric``s as rows of ``st.metric`` with translated labels and units."""
    for start in range(0, len(metrics), per_row):
        columns = st.columns(per_row)
        for column, metric in zip(columns, metrics[start : start + per_row], strict=False):
            column.metric(
                t(f"metric.{metric.key}"),
                formatting.format_value(metric.value, metric.unit),
                border=True,
            )


def rows_where(df: pl.DataFrame, column: str, value: Any) -> pl.DataFrame:
    """The rows whose ``column`` equals ``value``; all rows when ``value`` is None."""
    return df if value is None else df.filter(pl.col(column) == value)


def distinct(df: pl.DataFrame, column: str) -> list:
    """The sorted distinct non-null values of a column (options for a filter)."""
    return sorted(v for v in df[column].unique().to_list() if v is not None)


def quarantined_load_ids(ledger: pl.DataFrame) -> list[str]:
    """Ids of the ledger's loads that quarantined at least one row, newest first."""
    return ledger.filter(pl.col("count_quarantined") > 0)["load_id"].to_list()


def inbox_label(path: Any) -> str:
    """A path shown relative to the inbox folder (``uploads/orders.csv``)."""
    inbox = load_settings().inbox_dir.resolve()
    try:
        return str(path.resolve().relative_to(inbox))
    except ValueError:
        return str(path)


def load_results_frame(results: list[Mapping[str, Any]]) -> pl.DataFrame:
    """Load results (``LoadResult`` as dicts) as rows: counts and quarantine by reason."""
    rows = [
        {
            "file": Path(r["file"]).name,
            "feed": r["feed"],
            "status": r["status"],
            "count_read": r["count_read"],
            "count_loaded": r["count_loaded"],
            "count_quarantined": r["count_quarantined"],
            "by_reason": [f"{reason}: {n:,}" for reason, n in sorted(r["by_reason"].items())],
            "message": r["message"],
        }
        for r in results
    ]
    schema = {
        "file": pl.Utf8,
        "feed": pl.Utf8,
        "status": pl.Utf8,
        "count_read": pl.Int64,
        "count_loaded": pl.Int64,
        "count_quarantined": pl.Int64,
        "by_reason": pl.List(pl.Utf8),
        "message": pl.Utf8,
    }
    return pl.DataFrame(rows, schema=schema)


# --- cached readers -----------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _lake_reader(lake_catalog: str, lake_data_path: str) -> duckdb.DuckDBPyConnection:
    """One read-only lake connection per process and lake; queries take their own cursor."""
    return connect_reader(load_settings())


@st.cache_data(ttl=FIGURES_TTL_S, show_spinner=False)
def _home_figures(user: User, lake_catalog: str, lake_data_path: str) -> home.HomeFigures:
    # Keyed by the whole user (id, role, scope): one user's figures never serve another.
    # The connection is looked up here, never passed in (it cannot be hashed or pickled).
    try:
        con = _lake_reader(lake_catalog, lake_data_path)
    except LakeMissing as exc:
        raise NotFound("lake.missing") from exc
    return home.home_figures(user, con=con)


def home_figures(user: User) -> home.HomeFigures:
    """The home page figures of ``user`` (cached for a few minutes per user and lake)."""
    settings = load_settings()
    return _home_figures(user, settings.lake_catalog, settings.lake_data_path)


def clear_cached_readers() -> None:
    """After a write that changes the lake: drop cached figures and the lake connection,
    so the next reader sees the new snapshot."""
    st.cache_data.clear()
    _lake_reader.clear()


# --- onboarding pages ---------------------------------------------------------------------


def review_target_days() -> int:
    """The queue's target, in days (``POSTMART_REVIEW_TARGET_DAYS``)."""
    return load_settings().review_target_days


def district_name(code: str | None) -> str:
    """A district's name from its DOPA code (``5001`` → ``เมืองเชียงใหม่``); the code when
    unknown."""
    district = geothai.district(str(code)) if code else None
    if district is None:
        return formatting.MISSING if not code else str(code)
    return district.name_th if language() == "th" else district.name_en


def with_district_names(df: pl.DataFrame, column: str = "district_code") -> pl.DataFrame:
    """``df`` plus a ``district`` column: the district's name in the reader's language."""
    names = {code: district_name(code) for code in df[column].unique().to_list()}
    return df.with_columns(pl.col(column).replace_strict(names, default=None).alias("district"))


def districts_of(province_code: str) -> list[str]:
    return [d.code for d in geothai.districts(province_code)]


def subdistricts_of(district_code: str) -> dict[str, tuple[str, list[str]]]:
    """Subdistrict code → (name in the reader's language, its postal codes)."""
    lang = language()
    return {
        s.code: (s.name_th if lang == "th" else s.name_en, list(s.postal_codes))
        for s in geothai.subdistricts(district_code)
    }


def check_text(check: Mapping[str, Any]) -> str:
    """One check's verdict in words, for markdown (its parameters escaped)."""
    return md(check["key"], **(check.get("params") or {}))


def show_checks(checks: list[Mapping[str, Any]]) -> None:
    """Each check on its own line: passed, warning or failed, with its reason."""
    for check in checks:
        if check.get("ok"):
            mark = ":green[:material/check_circle:]"
        elif check.get("severity") == "warning":
            mark = ":orange[:material/warning:]"
        else:
            mark = ":red[:material/cancel:]"
        st.markdown(f"{mark} {check_text(check)}")


def show_lines(key: str, rows: list[Mapping[str, Any]]) -> None:
    """One markdown line per row: the catalog message ``key`` filled with the row (escaped)."""
    for row in rows:
        st.markdown(md(key, **row))


def lake_reader_or_none() -> duckdb.DuckDBPyConnection | None:
    """The process's cached lake reader; None when there is no lake yet."""
    settings = load_settings()
    try:
        return _lake_reader(settings.lake_catalog, settings.lake_data_path)
    except LakeMissing:
        return None


def province_label(code: str | None) -> str:
    return formatting.province_name(code, language()) if code else formatting.MISSING


def format_datetime(value: dt.datetime | None) -> str:
    """A date and time in the reader's calendar (Buddhist era in Thai)."""
    return formatting.format_datetime(value, language())


# Application fields shown on its page, in order: (field, catalog key of the label).
APPLICATION_FIELDS: tuple[tuple[str, str], ...] = (
    ("name_en", "applications.field.name_en"),
    ("national_id", "applications.field.national_id"),
    ("juristic_id", "applications.field.juristic_id"),
    ("ce_registration_code", "applications.field.ce_registration_code"),
    ("count_members", "applications.field.count_members"),
    ("phone", "applications.field.phone"),
    ("bank_code", "applications.field.bank_code"),
    ("bank_account_no", "applications.field.bank_account_no"),
    ("promptpay_proxy", "applications.field.promptpay_proxy"),
    ("subdistrict_code", "applications.field.subdistrict_code"),
    ("postal_code", "applications.field.postal_code"),
    ("entered_by_name", "applications.field.entered_by"),
    ("seller_id", "applications.field.seller_id"),
)


def application_fields(app: Mapping[str, Any]) -> list[dict[str, str]]:
    """(label, value) rows of an application's fields for ``show_lines``."""
    return [
        {"label": t(key), "value": formatting.MISSING if app.get(f) in (None, "") else app[f]}
        for f, key in APPLICATION_FIELDS
    ]


def events_frame(events: list[Mapping[str, Any]]) -> pl.DataFrame:
    """An application's history (``workflow.get(...)["events"]``) as a frame."""
    schema = {
        "at": pl.Datetime("us"),
        "action": pl.Utf8,
        "to_status": pl.Utf8,
        "reason_code": pl.Utf8,
        "note": pl.Utf8,
        "actor_name": pl.Utf8,
    }
    return pl.DataFrame([{k: e.get(k) for k in schema} for e in events], schema=schema)


def preview_frame(rows: list[Any]) -> pl.DataFrame:
    """Spreadsheet rows of an import preview (``imports.PreviewRow``) as a frame."""
    schema = {
        "line_no": pl.Int64,
        "name_th": pl.Utf8,
        "seller_type": pl.Utf8,
        "national_id": pl.Utf8,
        "district_code": pl.Utf8,
        "submitted_at": pl.Datetime("us"),
    }
    return pl.DataFrame(
        [{"line_no": r.line_no, **{k: r.values.get(k) for k in list(schema)[1:]}} for r in rows],
        schema=schema,
    )


def with_province_names(df: pl.DataFrame, column: str = "province_code") -> pl.DataFrame:
    """``df`` plus a ``province`` column: the province's name in the reader's language."""
    names = {code: province_label(code) for code in df[column].unique().to_list()}
    return df.with_columns(pl.col(column).replace_strict(names, default=None).alias("province"))


def format_days(value: float | None) -> str:
    """A number of days with one decimal (``2.5``); a dash when there is none yet."""
    return formatting.format_number(value, decimals=1) if value is not None else formatting.MISSING
