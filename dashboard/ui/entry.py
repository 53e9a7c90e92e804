"""Streamlit's legacy page-folder mode, and how a run knows the entrypoint routed it.

While no script has called ``st.navigation`` yet, a folder named ``pages/`` next to the
entrypoint puts the server (1.67) in its legacy page-folder mode: a deep link such as
``/data_loads`` runs ``pages/data_loads.py`` on its own, without the entrypoint. The
entrypoint marks each run it routes (``mark_entry``); a page run without that mark was
started by the legacy mode, and sends the visitor to the entrypoint (``to_entrypoint``).
"""

from __future__ import annotations

import contextlib

import streamlit as st
from streamlit.errors import StreamlitAPIException

ENTRYPOINT = "streamlit_app.py"
_VIA_ENTRY = "_postmart_via_entry"


def mark_entry() -> None:
    """Called by the entrypoint right before it runs the chosen page."""
    st.session_state[_VIA_ENTRY] = True


def consume_entry_mark() -> bool:
    """True when the entrypoint routed this run; the mark is used up either way."""
    return bool(st.session_state.pop(_VIA_ENTRY, False))


def to_entrypoint() -> None:
    """Leave a page that runs on its own (legacy page-folder mode) for the entrypoint.

    Returns only when that is impossible: when the page file itself is the main script,
    as in an AppTest of the file alone.
    """
    with contextlib.suppress(StreamlitAPIException):
        st.switch_page(ENTRYPOINT)
