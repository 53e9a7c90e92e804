"""The process's lake reader and the caches of figures read from the lake.

One read-only DuckDB connection per process and lake (``st.cache_resource``); every query
takes its own cursor, and no connection is ever passed into ``st.cache_data``. A cached
reader of lake figures registers itself with :func:`lake_cache`, so that a load — the one
write that changes the lake — clears exactly those caches and reconnects, and a write to
the ops DB (a decision, an account) leaves them alone.

A load run by another process (another replica, `postmart etl load` on another machine)
is seen through the lake's snapshot id: before a cached figure is served, the process
asks the catalog for the latest snapshot, at most every ``lake_snapshot_check_s`` seconds
(a setting, 5 s by default), and drops the lake caches when it changed. So a figure is
never older than that after another replica's load; caches that also read the ops DB
state their own ``ttl``.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import duckdb
import streamlit as st

from dashboard.errors import NotFound
from warehouse.lake import LakeError, LakeMissing, connect_reader, current_snapshot
from warehouse.settings import Settings, load_settings

# Cached lake figures: a load clears them, the ttl bounds their staleness otherwise (a
# load from another process or replica is not seen before it runs out).
FIGURES_TTL_S = 300

F = TypeVar("F", bound=Callable[..., Any])
_LAKE_CACHES: list[Any] = []
# The snapshot the lake caches were filled at, and when the catalog was last asked.
_seen = {"snapshot": None, "checked_at": float("-inf")}
_seen_lock = threading.Lock()


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


def follow_snapshot(settings: Settings | None = None) -> None:
    """Drop the lake caches when the lake has a snapshot this process has not seen (a load
    by another process); asks the catalog at most every ``lake_snapshot_check_s``."""
    settings = settings or load_settings()
    now = time.monotonic()
    with _seen_lock:
        if now - _seen["checked_at"] < settings.lake_snapshot_check_s:
            return
        _seen["checked_at"] = now
    con = reader_or_none()
    if con is None:
        return
    try:
        snapshot = current_snapshot(con)
    except (LakeError, duckdb.Error):
        return  # the figures' own read reports the problem
    with _seen_lock:
        changed = _seen["snapshot"] is not None and snapshot != _seen["snapshot"]
        _seen["snapshot"] = snapshot
    if changed:
        _clear_caches()


def lake_cache(func: F | None = None, *, ttl: float = FIGURES_TTL_S) -> Any:
    """``st.cache_data`` for a reader of lake figures, cleared by :func:`lake_changed` and
    when another process's load made a new snapshot (:func:`follow_snapshot`);
    ``@lake_cache`` or ``@lake_cache(ttl=60)`` for figures that also read the ops DB."""

    def wrap(f: F) -> F:
        cached = st.cache_data(ttl=ttl, show_spinner=False)(f)
        _LAKE_CACHES.append(cached)

        @functools.wraps(f)
        def serve(*args: Any, **kwargs: Any) -> Any:
            follow_snapshot()
            return cached(*args, **kwargs)

        serve.clear = cached.clear  # type: ignore[attr-defined]
        return serve  # type: ignore[return-value]

    return wrap(func) if func is not None else wrap


def _clear_caches() -> None:
    for cached in _LAKE_CACHES:
        cached.clear()


def lake_changed() -> None:
    """After a load: drop the cached lake figures and the reader (closed, not left to the
    garbage collector), so the next read sees the new snapshot."""
    _clear_caches()
    _lake_reader.clear()
    with _seen_lock:
        _seen["snapshot"] = None
