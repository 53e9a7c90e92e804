"""The process's lake reader and the caches of figures read from the lake.

One read-only DuckDB connection per process and lake (``st.cache_resource``); every query
takes its own cursor, and no connection is ever passed into ``st.cache_data``. A cached
reader of lake figures registers itself with :func:`lake_cache`, so that a load — the one
write that changes the lake — clears exactly those caches and reconnects, and a write to
the ops DB (a decision, an account) leaves them alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import duckdb
import streamlit as st

from dashboard.errors import NotFound
from warehouse.lake import LakeMissing, connect_reader
from warehouse.settings import Settings, load_settings

# Cached lake figures: a load clears them, the ttl bounds their staleness otherwise (a
# load from another process or replica is not seen before it runs out).
FIGURES_TTL_S = 300

F = TypeVar("F", bound=Callable[..., Any])
_LAKE_CACHES: list[Any] = []


@st.cache_resource(show_spinner=False, on_release=lambda con: con.close())
def _lake_reader(lake_catalog: str, lake_data_path: str) -> duckdb.DuckDBPyConnection:
    """One read-only lake connection per process and lake; queries take their own cursor."""
    return connect_reader(load_settings())


def reader(settings: Settings | None = None) -> duckdb.DuckDBPyConnection:
    """The process's lake reader; NotFound("lake.missing") when no lake was built yet."""
    settings = settings or load_settings()
    try:
        return _lake_reader(settings.lake_catalog, settings.lake_data_path)
    except LakeMissing as exc:
        raise NotFound("lake.missing") from exc


def reader_or_none() -> duckdb.DuckDBPyConnection | None:
    """The process's lake reader; None when there is no lake yet."""
    try:
        return reader()
    except NotFound:
        return None


def lake_cache(func: F | None = None, *, ttl: float = FIGURES_TTL_S) -> Any:
    """``st.cache_data`` for a reader of lake figures, cleared by :func:`lake_changed`;
    ``@lake_cache`` or ``@lake_cache(ttl=60)`` for figures that also read the ops DB."""

    def wrap(f: F) -> F:
        cached = st.cache_data(ttl=ttl, show_spinner=False)(f)
        _LAKE_CACHES.append(cached)
        return cached  # type: ignore[return-value]

    return wrap(func) if func is not None else wrap


def lake_changed() -> None:
    """After a load: drop the cached lake figures and the reader (closed, not left to the
    garbage collector), so the next read sees the new snapshot."""
    for cached in _LAKE_CACHES:
        cached.clear()
    _lake_reader.clear()
