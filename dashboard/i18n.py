"""Message catalogs: every user-visible string of ours, in Thai (the default) and English.

The catalogs are flat JSON files in ``dashboard/locales/`` keyed by dotted names
(``nav.home``, ``auth.sign_in_failed``). Placeholders use ``str.format`` syntax
(``{minutes}``). Pure Python, no Streamlit: the CLI and tests translate too.

A feature's service messages may live beside its services (``FEATURE_CATALOGS``: one JSON
object per language, ``{"th": {...}, "en": {...}}``); they are merged in here, so each
key still has exactly one source. A key defined in two places is a bug, refused at load.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES: tuple[str, ...] = ("th", "en")
DEFAULT_LANGUAGE = "th"
FEATURE_CATALOGS: tuple[Path, ...] = (Path(__file__).parent / "onboarding" / "messages.json",)


def normalize_language(lang: str | None) -> str:
    """A supported language code; anything else falls back to Thai."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


@cache
def catalog(lang: str) -> dict[str, str]:
    """The whole catalog of one language (read once per process)."""
    lang = normalize_language(lang)
    merged: dict[str, str] = json.loads((LOCALES_DIR / f"{lang}.json").read_text(encoding="utf-8"))
    for path in FEATURE_CATALOGS:
        extra = json.loads(path.read_text(encoding="utf-8")).get(lang, {})
        clash = sorted(set(extra) & set(merged))
        if clash:
            raise ValueError(f"message keys defined twice ({path.name}): {clash}")
        merged.update(extra)
    return merged


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
