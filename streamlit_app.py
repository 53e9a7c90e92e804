"""Postmart Admin entrypoint: page config, the sign-in gate, and the role's navigation.

Anonymous visitors get a navigation holding only the sign-in screen (also under every
page's URL, so a deep link signs in to that page). Signed-in users get the pages their
role allows (``dashboard.authz.allowed_pages``). Each page guards itself as well: see
``dashboard/ui.py`` for why.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import authz, ui

PAGES_DIR = Path(__file__).parent / "pages"


def page_path(page_key: str) -> str:
    return str(PAGES_DIR / f"{page_key}.py")


def run() -> None:
    st.set_page_config(
        page_title=ui.t("app.title"),
        page_icon=":material/local_post_office:",
        layout="wide",
    )
    user = ui.current_user()
    if user is None:
        nav = st.navigation(ui.sign_in_pages(list(authz.PAGES)), position="hidden")
    else:
        ui.sidebar(user)
        nav = st.navigation(ui.navigation_sections(user, page_path))
    ui.mark_entry()
    nav.run()


run()
