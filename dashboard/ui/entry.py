"""Streamlit's legacy page-folder mode, and how a run knows the entrypoint routed it.

While no script has called ``st.navigation`` yet, a folder named ``pages/`` next to the
entrypoint puts the server (1.67) in its legacy page-folder mode: a deep link such as
``/data_loads`` runs ``pages/data_loads.py`` on its own, without the entrypoint. The
entrypoint marks each run it routes (``mark_entry``); a page run without that mark was
started by the legacy mode, and sends the visitor to the entrypoint (``to_entrypoint``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException

ENTRYPOINT = "streamlit_app.py"
_VIA_ENTRY = "_postmart_via_entry"
# The page (and its filters) a visitor asked for before being sent to the entrypoint:
# switching there drops the URL, and the sign-in returns to it.
WANTED = "_postmart_wanted"


def mark_entry() -> None:
    """Called by the entrypoint right before it runs the chosen page."""
    st.session_state[_VIA_ENTRY] = True


def consume_entry_mark() -> bool:
    """True when the entrypoint routed this run; the mark is used up either way."""
    return bool(st.session_state.pop(_VIA_ENTRY, False))


def to_entrypoint(page_key: str | None = None) -> None:
    """Leave a page that runs on its own (legacy page-folder mode) for the entrypoint,
    remembering the page and its filters for after the sign-in.

    Returns only when that is impossible: when the page file itself is the main script,
    as in an AppTest of the file alone.
    """
    if page_key:
        query = urlencode(st.query_params.to_dict())
        st.session_state[WANTED] = f"/{page_key}?{query}" if query else f"/{page_key}"
    with contextlib.suppress(StreamlitAPIException):
        st.switch_page(ENTRYPOINT)


def resume_wanted(pages: Iterable[Any]) -> None:
    """A signed-in tab the legacy mode ran a page for (a replica that had served nobody
    yet, after its own replica died; a restarted server): the entrypoint has the real
    navigation now, so go on to the page, with its filters, the tab was on."""
    wanted = st.session_state.pop(WANTED, None)
    if not wanted:
        return
    path, _, query = wanted.lstrip("/").partition("?")
    for page in pages:
        if getattr(page, "url_path", None) == path:
            mark_entry()
            st.switch_page(page, query_params=dict(parse_qsl(query)))


def wanted_page() -> str | None:
    """The path a visitor asked for before the entrypoint took over (used once)."""
    return st.session_state.pop(WANTED, None)
