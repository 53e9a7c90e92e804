"""Postmart Admin entrypoint: page config, the sign-in gate, and the role's navigation.

Anonymous visitors get a navigation holding only the sign-in screen (also under every
page's URL, so a deep link signs in to that page). Signed-in users get the pages their
role allows (``dashboard.registry``). Each page guards itself as well: see
``dashboard/ui/entry.py`` for why.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import ui
from dashboard.ui import entry, nav, session

PAGES_DIR = Path(__file__).parent / "pages"


def page_path(page_key: str) -> str:
    return str(PAGES_DIR / f"{page_key}.py")


def run() -> None:
    st.set_page_config(
        page_title=ui.t("app.title"),
        page_icon=":material/local_post_office:",
        layout="wide",
    )
    user = session.current_user()
    if user is None:
        navigation = st.navigation(nav.sign_in_pages(), position="hidden")
    else:
        nav.sidebar(user)
        navigation = st.navigation(nav.navigation_sections(user, page_path))
    entry.mark_entry()
    navigation.run()


run()
