"""Input widgets the pages share: select boxes with an "all" or "choose" entry, managed
reason lists, the end of an action, filters kept in the URL, and a pager."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import streamlit as st

from dashboard.formatting import format_number
from dashboard.ui.text import t


def optional_select(
    label_key: str,
    none_key: str,
    choices: Sequence[Any],
    label: Callable[[Any], str] = str,
    *,
    key: str,
    container: Any = None,
    bind: str | None = None,
) -> Any:
    """A select box whose first entry is "none chosen" (``none_key``: "all districts",
    "choose…"), the others shown through ``label``; None while none is chosen.

    ``bind="query-params"`` keeps the choice in the URL under ``key`` (a shared link then
    restores it; a value not among the choices is dropped by Streamlit).
    """
    return (container or st).selectbox(
        t(label_key),
        [None, *choices],
        format_func=lambda value: t(none_key) if value is None else label(value),
        placeholder=t(none_key),
        key=key,
        bind=bind,
    )


def url_select(
    label_key: str,
    none_key: str,
    choices: Sequence[Any],
    label: Callable[[Any], str] = str,
    *,
    key: str,
    param: str,
    container: Any = None,
) -> Any:
    """An :func:`optional_select` whose choice is kept in the URL under ``param`` as its
    code, so a link restores it in any language (Streamlit's own ``bind`` would write the
    translated label). A code from the URL that is not among ``choices`` is ignored."""
    init_widget(key, query_value(param, [str(c) for c in choices]))
    if st.session_state.get(key) not in (None, *choices):
        st.session_state[key] = None  # e.g. a district that left the choices
    value = optional_select(label_key, none_key, choices, label, key=key, container=container)
    mirror_query_params({param: None if value is None else str(value)})
    return value


def url_toggle(label_key: str, *, key: str, param: str, container: Any = None) -> bool:
    """A toggle kept in the URL as ``param=1`` while on."""
    init_widget(key, query_value(param, ["1"]) == "1")
    on = (container or st).toggle(t(label_key), key=key)
    mirror_query_params({param: "1" if on else None})
    return on


def url_date(label_key: str, *, key: str, param: str, container: Any = None) -> dt.date | None:
    """A date input kept in the URL as ``param=YYYY-MM-DD``."""
    init_widget(key, query_date(param))
    value = (container or st).date_input(t(label_key), key=key, format="DD/MM/YYYY")
    mirror_query_params({param: value.isoformat() if value else None})
    return value


def reason_select(reasons: Mapping[str, str], *, key: str) -> str | None:
    """A managed reason (code → label in the reader's language), or None while none is
    chosen."""
    return optional_select(
        "applications.reason", "common.choose", list(reasons), lambda r: reasons[r], key=key
    )


def forget(key: str) -> Callable[[], None]:
    """A callback that forgets ``key`` (for a dialog's ``on_dismiss``)."""
    return lambda: st.session_state.pop(key, None)


def rerun_clearing(*keys: str) -> None:
    """End an action: forget its pending state (e.g. a bulk selection under review) and
    rerun, so the page draws the outcome."""
    for key in keys:
        st.session_state.pop(key, None)
    st.rerun()


def query_value(name: str, allowed: Mapping[str, Any] | Sequence[str] | None = None) -> str | None:
    """A value from the URL, or None when absent or not among ``allowed``.

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
    """Write values that no widget binds (an opened record) into the URL, so the view can
    be shared as a link."""
    for name, value in values.items():
        if value in (None, ""):
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get(name) != value:
            st.query_params[name] = value


def requested_page(key: str, *, param: str, scope: Any) -> int:
    """The page (from 0) a paged table is asked for: its pager's value, or the URL's
    ``param`` (from 1) on the first draw; the first page again whenever ``scope`` (the
    filter the pages are of) changes. Draw the pager with :func:`pager` after the read."""
    seen = f"{key}__scope"
    if seen in st.session_state and st.session_state[seen] != scope:
        st.session_state[key] = 1
    st.session_state[seen] = scope
    if key not in st.session_state:
        asked = query_value(param) or ""
        st.session_state[key] = int(asked) if asked.isdigit() and int(asked) >= 1 else 1
    return int(st.session_state[key]) - 1


def pager(page: int, pages: int, *, key: str, param: str, container: Any = None) -> None:
    """The page number input of a result with ``pages`` pages now showing ``page`` (from
    0, as the service clamped it), kept in the URL as ``param`` past the first page."""
    st.session_state[key] = page + 1
    (container or st).number_input(
        t("common.page", pages=format_number(pages)),
        min_value=1,
        max_value=max(pages, 1),
        step=1,
        key=key,
    )
    mirror_query_params({param: str(page + 1) if page else None})
