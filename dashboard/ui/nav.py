"""Navigation and the sidebar, built from the page registry for the signed-in user."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard import registry
from dashboard.identity.user import User
from dashboard.ui.labels import role_name, scope_text
from dashboard.ui.session import sign_out
from dashboard.ui.sign_in import sign_in_page
from dashboard.ui.text import escape_markdown, t


def navigation_sections(user: User, page_path: Callable[[str], str]) -> dict[str, list]:
    """``st.navigation`` input: the user's allowed pages grouped by translated section."""
    sections: dict[str, list] = {}
    first = True
    for section_key, specs in registry.sections(user).items():
        pages = []
        for spec in specs:
            pages.append(
                st.Page(
                    page_path(spec.key),
                    title=t(spec.title_key),
                    icon=spec.icon,
                    url_path=spec.key,
                    default=first,
                )
            )
            first = False
        sections[t(section_key)] = pages
    return sections


def sign_in_pages() -> list:
    """Pages for an anonymous visitor: the sign-in screen, also under every page's URL.

    A deep link such as ``/data_loads`` then shows the sign-in screen without a "page not
    found" notice, and after signing in the visitor lands on the page they asked for (the
    navigation keeps the URL; a page's identity is its url_path).
    """
    title = t("auth.sign_in_title")
    pages = [st.Page(sign_in_page, title=title, url_path="sign_in", default=True)]
    pages += [
        st.Page(sign_in_page, title=title, url_path=key, visibility="hidden")
        for key in registry.PAGE_KEYS
    ]
    return pages


def sidebar(user: User) -> None:
    """Who is signed in, their scope, and the sign-out button."""
    with st.sidebar:
        st.markdown(f"**{escape_markdown(user.display_name)}**")
        st.caption(f"{role_name(user.role)} · {scope_text(user)}")
        if user.must_change_password:
            st.warning(t("account.must_change_password"), icon=":material/password:")
        if st.button(t("auth.sign_out"), icon=":material/logout:", key="sign_out"):
            sign_out(user)
