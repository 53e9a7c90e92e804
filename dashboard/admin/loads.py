"""The Data loads page's services (admin only): inbox, uploads, running the ETL, ledger,
quarantine. Every upload and every load is audited.

Files are only ever read from, or written to, the inbox folder (``settings.inbox_dir``);
uploads go to ``<inbox>/uploads/`` under a sanitized name.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import duckdb
import polars as pl

from dashboard import export
from dashboard.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from dashboard.identity import audit, authz
from dashboard.identity.user import User
from etl.feeds import FEED_FILE_SUFFIXES
from etl.load import LoadResult, lake_tables, load_files, quarantine_rows
from etl.load import ledger as etl_ledger
from warehouse.lake import LakeBusy, LakeError, LakeMissing
from warehouse.settings import Settings, load_settings

UPLOADS = "uploads"
# The file types the feeds read.
FEED_SUFFIXES = FEED_FILE_SUFFIXES
MAX_NAME_LENGTH = 120
_RUNS = re.compile(r"_+")


def _admin(actor: User | None, settings: Settings) -> User:
    return authz.require_role(actor, "admin", settings=settings)


def _inbox(settings: Settings) -> Path:
    return settings.inbox_dir.resolve()


def list_inbox(actor: User | None, *, settings: Settings | None = None) -> list[Path]:
    """Feed files under the inbox (uploads included), sorted; hidden files skipped."""
    settings = settings or load_settings()
    _admin(actor, settings)
    inbox = _inbox(settings)
    if not inbox.is_dir():
        return []
    return sorted(
        p
        for p in inbox.rglob("*")
        if p.is_file()
        and p.suffix.lower() in FEED_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(inbox).parts)
    )


def safe_name(name: str) -> str:
    """A file name that cannot leave the uploads folder: the last path component only,
    NFC-normalized, anything but letters, digits, marks, '.', '-', '_' made '_', no
    leading dots. ValidationFailed when nothing usable is left or the type is not a feed."""
    base = PurePosixPath(unicodedata.normalize("NFC", name).replace("\\", "/")).name
    # Letters, digits and combining marks (Thai vowels and tones are marks) stay.
    base = "".join(c if c in "._-" or unicodedata.category(c)[0] in "LNM" else "_" for c in base)
    base = _RUNS.sub("_", base).lstrip(".")
    suffix = PurePosixPath(base).suffix.lower()
    if suffix not in FEED_SUFFIXES:
        raise ValidationFailed("loads.file_type_unsupported", name=name)
    stem = base[: -len(suffix)].strip("_")
    if not stem:
        raise ValidationFailed("loads.file_name_invalid", name=name)
    return stem[: MAX_NAME_LENGTH - len(suffix)] + suffix


def save_upload(
    actor: User | None,
    name: str,
    data: bytes,
    *,
    session_id: str | None = None,
    settings: Settings | None = None,
) -> Path:
    """Store an uploaded file in ``<inbox>/uploads/``; an existing name gets ``-2``, ``-3``…"""
    settings = settings or load_settings()
    actor = _admin(actor, settings)
    folder = _inbox(settings) / UPLOADS
    folder.mkdir(parents=True, exist_ok=True)
    clean = safe_name(name)
    stem, suffix = clean[: -len(PurePosixPath(clean).suffix)], PurePosixPath(clean).suffix
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        n = 1
        while True:
            target = folder / (clean if n == 1 else f"{stem}-{n}{suffix}")
            try:
                # link() fails if the name exists: no race with a concurrent upload.
                os.link(tmp, target)
                break
            except FileExistsError:
                n += 1
    finally:
        os.unlink(tmp)
    if not target.resolve().is_relative_to(folder):
        target.unlink()
        raise PermissionDenied("loads.path_outside_inbox", name=name)
    audit.record(
        actor=actor,
        action="data.upload",
        entity="file",
        entity_id=str(target.relative_to(_inbox(settings))),
        before=None,
        after={
            "name_given": name[:200],
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        },
        session_id=session_id,
        settings=settings,
    )
    return target


def _inside_inbox(paths: Iterable[Path | str], settings: Settings) -> list[Path]:
    inbox = _inbox(settings)
    out = []
    for p in paths:
        resolved = (inbox / p).resolve() if not Path(p).is_absolute() else Path(p).resolve()
        if not resolved.is_relative_to(inbox):
            raise PermissionDenied("loads.path_outside_inbox", name=str(p))
        if not resolved.exists():
            raise ValidationFailed("loads.file_missing", name=str(p))
        out.append(resolved)
    return out


def _result_state(result: LoadResult) -> dict:
    return dataclasses.asdict(result)


def run_loads(
    actor: User | None,
    paths: Iterable[Path | str],
    progress: Callable[[float, str], None] | None = None,
    *,
    feed: str | None = None,
    session_id: str | None = None,
    settings: Settings | None = None,
) -> list[LoadResult]:
    """Load inbox files into the lake (each file its own transaction); audit each result.

    Raises Conflict("loads.lake_busy") when another load holds the lake's writer lock.
    """
    settings = settings or load_settings()
    actor = _admin(actor, settings)
    files = _inside_inbox(paths, settings)
    try:
        results = load_files(
            files, settings=settings, loaded_by=actor.username, feed=feed, progress=progress
        )
    except LakeError as exc:
        audit.record(
            actor=actor,
            action="data.load_failed",
            entity="etl_load",
            entity_id=None,
            before=None,
            after={"files": [str(f) for f in files], "error": str(exc)},
            session_id=session_id,
            settings=settings,
        )
        if isinstance(exc, LakeBusy):
            raise Conflict("loads.lake_busy") from exc
        raise ValidationFailed("loads.failed", detail=str(exc)) from exc
    for result in results:
        audit.record(
            actor=actor,
            action="data.load" if result.status != "failed" else "data.load_failed",
            entity="etl_load",
            entity_id=result.load_id or Path(result.file).name,
            before=None,
            after=_result_state(result),
            session_id=session_id,
            settings=settings,
        )
    # payments (issue 9): a load may settle, credit or raise breaks; reconcile after it.
    from dashboard.payments import after_load

    loaded = {r.feed for r in results if r.status == "loaded"}
    if loaded:
        after_load.after_load(actor, loaded, settings=settings, session_id=session_id)
    # impact: a decision made while the lake was busy reaches the seller master now.
    from dashboard.impact import seller_master

    seller_master.after_change(actor=actor, settings=settings)
    return results


def ledger(
    actor: User | None,
    *,
    settings: Settings | None = None,
    lake: duckdb.DuckDBPyConnection | None = None,
) -> pl.DataFrame:
    """Every committed load, newest first. Pass ``lake`` to read on the app's reader."""
    settings = settings or load_settings()
    _admin(actor, settings)
    return etl_ledger(settings, lake)


@dataclass(frozen=True)
class LedgerView:
    """The ledger as the page shows it: the loads of one feed (or all), the feeds to choose
    from, and which of the shown loads quarantined something (newest first)."""

    rows: pl.DataFrame
    feeds: list[str]
    quarantined_load_ids: list[str]
    feed: str | None


def ledger_view(
    actor: User | None,
    feed: str | None = None,
    *,
    settings: Settings | None = None,
    lake: duckdb.DuckDBPyConnection | None = None,
) -> LedgerView:
    everything = ledger(actor, settings=settings, lake=lake)
    feeds = sorted(everything["feed"].unique().to_list())
    rows = everything if feed is None else everything.filter(pl.col("feed") == feed)
    quarantined = rows.filter(pl.col("count_quarantined") > 0)["load_id"].to_list()
    return LedgerView(rows.drop("file_path"), feeds, quarantined, feed)


def inbox_label(path: Path, *, settings: Settings | None = None) -> str:
    """A path shown relative to the inbox folder (``uploads/orders.csv``), never the
    server's own folders."""
    inbox = _inbox(settings or load_settings())
    try:
        return str(path.resolve().relative_to(inbox))
    except ValueError:
        return path.name


_RESULTS_SCHEMA = {
    "file": pl.Utf8,
    "feed": pl.Utf8,
    "status": pl.Utf8,
    "count_read": pl.Int64,
    "count_loaded": pl.Int64,
    "count_quarantined": pl.Int64,
    "by_reason": pl.List(pl.Utf8),
    "message": pl.Utf8,
}


def results_frame(results: Iterable[LoadResult]) -> pl.DataFrame:
    """Load results as rows: the file's name (never the server's path), counts, and the
    quarantine by reason."""
    rows = [
        {
            "file": Path(r.file).name,
            "feed": r.feed,
            "status": r.status,
            "count_read": r.count_read,
            "count_loaded": r.count_loaded,
            "count_quarantined": r.count_quarantined,
            "by_reason": [f"{reason}: {n:,}" for reason, n in sorted(r.by_reason.items())],
            "message": r.message or "",
        }
        for r in results
    ]
    return pl.DataFrame(rows, schema=_RESULTS_SCHEMA)


def warehouse_tables(
    actor: User | None,
    *,
    settings: Settings | None = None,
    lake: duckdb.DuckDBPyConnection | None = None,
) -> pl.DataFrame:
    """What is in the warehouse: every lake table and its row count (empty with no lake)."""
    settings = settings or load_settings()
    _admin(actor, settings)
    return lake_tables(settings, lake)


def quarantine(
    actor: User | None,
    load_id: str,
    *,
    settings: Settings | None = None,
    lake: duckdb.DuckDBPyConnection | None = None,
) -> pl.DataFrame:
    """The rows one load rejected, with the field, value and reason, in file order."""
    settings = settings or load_settings()
    _admin(actor, settings)
    try:
        return quarantine_rows(load_id, settings, lake)
    except LakeMissing as exc:
        raise NotFound("lake.missing") from exc


def quarantine_csv(
    actor: User | None,
    load_id: str,
    *,
    settings: Settings | None = None,
    lake: duckdb.DuckDBPyConnection | None = None,
) -> bytes:
    """The quarantine of one load as CSV through the one writer: Thai intact in Excel, and
    a value from the file that looks like a formula stays text."""
    return export.csv_bytes(quarantine(actor, load_id, settings=settings, lake=lake))
