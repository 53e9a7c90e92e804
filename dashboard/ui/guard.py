"""The page guard, and why every page has one.

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
  (``registry.require_page``); the guard ``st.stop()``s before any data is read.

Access decisions stay in the registry and the services; this module only asks them.
"""

from __future__ import annotations

import streamlit as st

from dashboard import registry
from dashboard.errors import AppError
from dashboard.identity.user import User
from dashboard.ui.entry import consume_entry_mark, to_entrypoint
from dashboard.ui.session import current_user
from dashboard.ui.sign_in import sign_in_screen
from dashboard.ui.text import show_error


def guard(page_key: str) -> User:
    """The signed-in user allowed to see ``page_key``; otherwise the page stops here.

    The first statement of every page module. Anonymous visitors see the sign-in screen,
    users whose role lacks the page see a refusal; neither gets any data.
    """
    via_entry = consume_entry_mark()
    user = current_user()
    if user is None:
        if not via_entry:
            to_entrypoint(page_key)
        sign_in_screen(via_entry=via_entry)
        st.stop()
    if not via_entry:
        # Signed in, but run by the legacy mode (no navigation yet on this server): on to
        # the entrypoint, which draws the role's navigation and comes back to this page.
        to_entrypoint(page_key)
    try:
        return registry.require_page(user, page_key)
    except AppError as exc:
        show_error(exc)
        st.stop()
    raise AssertionError("unreachable")  # st.stop() raises
