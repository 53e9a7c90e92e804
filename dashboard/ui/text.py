"""Text on screen: the reader's language, catalog messages, escaping of user text, and the
one place an expected failure becomes a message.

User text (a seller's name, a listing title, a file name) reaches markdown only through
:func:`md`, which escapes it: it shows as typed and never becomes formatting, an image, HTML
or a link. Escaping markdown syntax is not enough for links: Streamlit's markdown (GFM)
turns bare ``www.…``, ``https://…`` and e-mail addresses into links, escaped or not, so
:func:`escape_markdown` also breaks those patterns with an invisible word joiner.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

import streamlit as st

from dashboard import formatting, i18n
from dashboard.errors import AppError
from warehouse.lake import LakeBusy, LakeError

R = TypeVar("R")

# Session-state keys of the language chosen on the sign-in screen and of the signed-in
# user's (set by ui.session).
SIGN_IN_LANGUAGE = "postmart_sign_in_language"
USER_LANGUAGE = "postmart_user_language"

_MARKDOWN_SPECIAL = "\\`*_{}[]()<>#+-.!|~$:@"
# U+2060 WORD JOINER: invisible, zero width, and not part of any URL or address, so the
# autolink patterns below no longer match once it sits inside them.
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(www)(\.)|(:)(//)|(@)")


def language() -> str:
    """The signed-in user's language, else the one chosen on the sign-in screen (Thai)."""
    chosen = st.session_state.get(USER_LANGUAGE) or st.session_state.get(SIGN_IN_LANGUAGE)
    return i18n.normalize_language(chosen)


def t(key: str, **params: Any) -> str:
    """The catalog message ``key`` in the current language."""
    return i18n.translate(key, language(), **params)


def _defuse_autolinks(text: str) -> str:
    def split(m: re.Match[str]) -> str:
        if m.group(5):
            return m.group(5) + WORD_JOINER
        first, second = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return first + WORD_JOINER + second

    return _AUTOLINK.sub(split, text)


def escape_markdown(text: object) -> str:
    """User text inside markdown shows as typed: no formatting, HTML, images or links."""
    defused = _defuse_autolinks(str(text))
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in defused)


def md(key: str, **params: Any) -> str:
    """Like :func:`t`, for markdown elements: the parameters (user text such as names) are
    escaped, so they show as typed and never become links, images or formatting."""
    return t(key, **{name: escape_markdown(value) for name, value in params.items()})


def first_rows(shown: int, count: int) -> str:
    """ "Showing the first 200 of 24,855": a long list's caption, numbers grouped."""
    return t(
        "common.first_rows",
        shown=formatting.format_number(shown),
        count=formatting.format_number(count),
    )


def check_message(check: Mapping[str, Any]) -> str:
    """One check's verdict in words, as plain text (escape it before it meets markdown)."""
    return t(check["key"], **(check.get("params") or {}))


def action_name(action: str) -> str:
    """An audit action in words (``user.created`` → "Account created"); unknown ones as is."""
    key = f"audit.actions.{action}"
    return t(key) if i18n.has_key(key, language()) else action


def show_error(exc: AppError) -> None:
    """The one place an AppError becomes on-screen text, in the user's language."""
    st.error(md(exc.key, **exc.params), icon=":material/error:")


@contextlib.contextmanager
def errors_shown(*, stop: bool = True) -> Iterator[None]:
    """Show an expected failure kindly (no traceback); stop the page unless told not to."""
    try:
        yield
    except AppError as exc:
        show_error(exc)
        if stop:
            st.stop()
    except LakeError as exc:
        # A load committing (busy: ask for a moment), or no lake yet: an operator's matter,
        # not a bug on this page.
        busy = isinstance(exc, LakeBusy)
        show_error(AppError("error.lake_busy" if busy else "error.lake_unavailable"))
        if stop:
            st.stop()


def attempt(call: Callable[..., R], *args: Any, **kwargs: Any) -> R | None:
    """``call(*args, **kwargs)``, or None after showing its expected failure kindly (for a
    part of a page that may fail while the rest goes on)."""
    with errors_shown(stop=False):
        return call(*args, **kwargs)
    return None


def flash(slot: str, key: str, **params: Any) -> None:
    """Keep a success message (catalog ``key``) to show after the ``st.rerun()`` that follows
    an action; ``slot`` is the page's own session key."""
    st.session_state[slot] = (key, params)


def show_flash(slot: str) -> None:
    """Show, once, the message an action kept with :func:`flash`."""
    notice = st.session_state.pop(slot, None)
    if notice:
        st.success(md(notice[0], **notice[1]), icon=":material/check:")
