"""Message catalogs: every user-visible string of ours, in Thai (the default) and English.

The catalogs are flat JSON files keyed by dotted names (``nav.home``,
``auth.sign_in_failed``), one file per domain and language:
``dashboard/locales/<lang>/<domain>.json`` (``shell``, ``admin``, ``onboarding``, and one
per domain added later), found by glob. Each key has exactly one source: a key defined in
two files is a bug, refused at load. Placeholders use ``str.format`` syntax
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


def catalog_files(lang: str) -> list[Path]:
    """The catalog files of one language, one per domain, in name order."""
    return sorted((LOCALES_DIR / normalize_language(lang)).glob("*.json"))


@cache
def catalog(lang: str) -> dict[str, str]:
    """The whole catalog of one language (read once per process)."""
    merged: dict[str, str] = {}
    for path in catalog_files(lang):
        part: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        clash = sorted(set(part) & set(merged))
        if clash:
            raise ValueError(f"message keys defined twice ({path.name}): {clash}")
        merged.update(part)
    return merged


def has_key(key: str, lang: str = DEFAULT_LANGUAGE) -> bool:
    return key in catalog(normalize_language(lang))


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
