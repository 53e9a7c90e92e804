"""Postmart Admin entrypoint: page config, the sign-in gate, and the role's navigation.

One file, two roles. Imported by the server (``streamlit run streamlit_app.py`` finds the
``st.App`` below and serves it with uvicorn; any ASGI server can serve
``streamlit_app:app`` too), it is the ASGI app: Streamlit's routes plus the app's own —
the session-cookie routes and the middleware of ``dashboard.ui.server``. Run by Streamlit
for every rerun (as ``__main__``), it is the script: anonymous visitors get a navigation
holding only the sign-in screen (also under every page's URL, so a deep link signs in to
that page); signed-in users get the pages their role allows (``dashboard.registry``).
Each page guards itself as well: see ``dashboard/ui/entry.py`` for why.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import ui
from dashboard.ui import entry, nav, server, session
from dashboard.ui import production as production_ui

PAGES_DIR = Path(__file__).parent / "pages"


def page_path(page_key: str) -> str:
    return str(PAGES_DIR / f"{page_key}.py")


def run() -> None:
    st.set_page_config(
        page_title=ui.t("app.title"),
        # An emoji, not a material icon: those are fetched from Google (no network here).
        page_icon="📮",
        layout="wide",
    )
    with production_ui.ops_unavailable_shown():
        user = session.current_user()
    if user is None:
        navigation = st.navigation(nav.sign_in_pages(), position="hidden")
    else:
        nav.sidebar(user)
        # expanded: every page is listed (an admin has more than ten since the payments
        # pages; Streamlit would hide the rest behind "View more").
        sections = nav.navigation_sections(user, page_path)
        navigation = st.navigation(sections, expanded=True)
        entry.resume_wanted(page for pages in sections.values() for page in pages)
    entry.mark_entry()
    with production_ui.ops_unavailable_shown():
        navigation.run()


if __name__ == "__main__":
    run()
else:
    app = st.App(__file__, routes=server.routes(), middleware=server.middleware())
