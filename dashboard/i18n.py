"""Message catalogs: every user-visible string of ours, in Thai (the default) and English.

The catalogs are flat JSON files in ``dashboard/locales/`` keyed by dotted names
(``nav.home``, ``auth.sign_in_failed``). Placeholders use ``str.format`` syntax
(``{minutes}``). Pure Python, no Streamlit: the CLI and tests translate too.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES: tuple[str, ...] = ("th", "en")
DEFAULT_LANGUAGE = "th"


def normalize_language(lang: str | None) -> str:
    """A supported language code; anything else falls back to Thai."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


@cache
def catalog(lang: str) -> dict[str, str]:
    """The whole catalog of one language (read once per process)."""
    path = LOCALES_DIR / f"{normalize_language(lang)}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def has_key(key: str, lang: str = DEFAULT_LANGUAGE) -> bool:
    return key in catalog(lang)


def translate(key: str, lang: str | None = None, **params: Any) -> str:
    """The message for ``key`` in ``lang`` with its placeholders filled.

    A key missing from the catalog shows as the key itself, so a gap is visible on screen
    and caught by the catalog tests rather than crashing a page. A placeholder the caller
    did not pass stays as written for the same reason.
    """
    text = catalog(normalize_language(lang)).get(key, key)
    if not params:
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text
