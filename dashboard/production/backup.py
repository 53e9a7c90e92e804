"""`postmart backup DEST` / `postmart restore SRC`: the ops DB, the lake catalog and the
Parquet files together, consistent with one lake snapshot.

A backup holds the lake's writer lock while it copies (so no load commits between the
catalog and the files), readers and the app carry on meanwhile. Each store is copied by
its own engine's tool: SQLite's online backup API for SQLite files, ``pg_dump`` (custom
format) for PostgreSQL databases; Parquet files are copied as files. ``manifest.json``
names the snapshot, the stores and what they held.

A restore goes into an empty place only (no lake catalog there yet, an ops DB without
tables): it never overwrites a live system. The restored catalog's data path is set to
the Parquet folder of the place restored into, so the lake can move to another folder or
machine.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from warehouse import ops
from warehouse.lake import (
    LakeError,
    catalog_exists,
    connect_reader,
    current_snapshot,
    writer_lock,
)
from warehouse.settings import Settings

MANIFEST = "manifest.json"
FILES = "files"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore that cannot go on, said in one line."""


@dataclass(frozen=True)
class Manifest:
    snapshot_id: int
    created_at: str
    ops_kind: str  # sqlite | postgres
    catalog_kind: str  # sqlite | postgres
    count_files: int
    ops_heads: tuple[str, ...]

    def as_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT_VERSION,
                "snapshot_id": self.snapshot_id,
                "created_at": self.created_at,
                "ops": self.ops_kind,
                "catalog": self.catalog_kind,
                "count_files": self.count_files,
                "ops_heads": list(self.ops_heads),
            },
            indent=2,
        )

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        if not path.exists():
            raise BackupError(f"{folder} is not a backup (no {MANIFEST}).")
        data = json.loads(path.read_text())
        if data.get("format") != FORMAT_VERSION:
            raise BackupError(f"{path}: unknown backup format {data.get('format')!r}.")
        return cls(
            snapshot_id=int(data["snapshot_id"]),
            created_at=data["created_at"],
            ops_kind=data["ops"],
            catalog_kind=data["catalog"],
            count_files=int(data["count_files"]),
            ops_heads=tuple(data["ops_heads"]),
        )


def _ops_kind(settings: Settings) -> str:
    return "sqlite" if make_url(settings.ops_db_url).get_backend_name() == "sqlite" else "postgres"


def _catalog_kind(settings: Settings) -> str:
    return "postgres" if settings.lake_catalog.startswith("postgres:") else "sqlite"


def _sqlite_path_of_ops(settings: Settings) -> Path:
    return Path(make_url(settings.ops_db_url).database or "")


def _libpq_of_ops(settings: Settings) -> str:
    """The ops DB's URL as libpq takes it (pg_dump, pg_restore)."""
    url = make_url(settings.ops_db_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy while others read and write."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(source)) as src:
        with contextlib.closing(sqlite3.connect(target)) as dst:
            src.backup(dst)


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip() or done.stdout.strip()}")


def _pg_dump(conninfo: str, target: Path) -> None:
    _run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "-f",
            str(target),
            "-d",
            conninfo,
        ]
    )


def _pg_restore(source: Path, conninfo: str) -> None:
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "-d",
            conninfo,
            str(source),
        ]
    )


def _copy_files(source: Path, target: Path) -> int:
    count = 0
    for path in sorted(source.rglob("*")):
        if path.is_file():
            dest = target / path.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)
            count += 1
    return count


def _ops_heads(settings: Settings) -> tuple[str, ...]:
    eng = ops.engine(settings)
    return tuple(sorted(ops.current_heads(eng)))


def backup(settings: Settings, dest: Path) -> Manifest:
    """Copy the ops DB, the catalog and the Parquet files into the empty folder ``dest``."""
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty; a backup goes into a new folder.")
    if not catalog_exists(settings):
        raise BackupError(f"No lake at {settings.lake_catalog} to back up.")
    dest.mkdir(parents=True, exist_ok=True)
    heads = _ops_heads(settings)
    with writer_lock(settings):
        reader = connect_reader(settings)
        try:
            snapshot = current_snapshot(reader)
        finally:
            reader.close()
        if _catalog_kind(settings) == "sqlite":
            _sqlite_copy(
                Path(settings.lake_catalog.removeprefix("sqlite:")), dest / "catalog.sqlite"
            )
        else:
            _pg_dump(settings.lake_catalog.removeprefix("postgres:"), dest / "catalog.pgdump")
        count = _copy_files(Path(settings.lake_data_path), dest / FILES)
        # The ops DB last, still under the lock: everything it says about loads (the
        # audit of each) is then about this snapshot or an earlier one.
        if _ops_kind(settings) == "sqlite":
            ops.dispose_all()
            _sqlite_copy(_sqlite_path_of_ops(settings), dest / "ops.sqlite")
        else:
            _pg_dump(_libpq_of_ops(settings), dest / "ops.pgdump")
    manifest = Manifest(
        snapshot_id=snapshot,
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        ops_kind=_ops_kind(settings),
        catalog_kind=_catalog_kind(settings),
        count_files=count,
        ops_heads=heads,
    )
    (dest / MANIFEST).write_text(manifest.as_json())
    return manifest


def _ops_is_empty(settings: Settings) -> bool:
    eng = ops.create(settings.ops_db_url)
    try:
        return not sa.inspect(eng).get_table_names()
    finally:
        eng.dispose()


@contextlib.contextmanager
def _pg(conninfo: str) -> Iterator[object]:
    import psycopg

    with psycopg.connect(conninfo, autocommit=True, connect_timeout=10) as pg:
        yield pg


def _point_catalog_at(settings: Settings) -> None:
    """The restored catalog's data path: the Parquet folder of this place. DuckLake keeps
    it in its metadata table; file paths under it are relative, so nothing else moves."""
    data_path = settings.lake_data_path
    sql = "update ducklake_metadata set value = ? where key = 'data_path' and scope is null"
    if _catalog_kind(settings) == "sqlite":
        path = Path(settings.lake_catalog.removeprefix("sqlite:"))
        with contextlib.closing(sqlite3.connect(path)) as con:
            con.execute(sql, [data_path])
            con.commit()
    else:
        with _pg(settings.lake_catalog.removeprefix("postgres:")) as pg:
            pg.execute(sql.replace("?", "%s"), [data_path])


def restore(settings: Settings, source: Path) -> Manifest:
    """Restore a backup into the empty place the settings name."""
    manifest = Manifest.read(source)
    if manifest.catalog_kind != _catalog_kind(settings):
        raise BackupError(
            f"The backup's catalog is {manifest.catalog_kind}; the settings name a "
            f"{_catalog_kind(settings)} catalog."
        )
    if manifest.ops_kind != _ops_kind(settings):
        raise BackupError(
            f"The backup's ops DB is {manifest.ops_kind}; the settings name a "
            f"{_ops_kind(settings)} ops DB."
        )
    if catalog_exists(settings):
        raise BackupError(
            f"A lake already exists at {settings.lake_catalog}; restore into an empty place."
        )
    if not _ops_is_empty(settings):
        raise BackupError(
            "The ops DB of the settings already holds tables; restore into an empty one."
        )
    files = Path(settings.lake_data_path)
    if files.exists() and any(files.iterdir()):
        raise BackupError(f"{files} is not empty; restore into an empty place.")
    _copy_files(source / FILES, files)
    if manifest.catalog_kind == "sqlite":
        target = Path(settings.lake_catalog.removeprefix("sqlite:"))
        _sqlite_copy(source / "catalog.sqlite", target)
    else:
        _pg_restore(source / "catalog.pgdump", settings.lake_catalog.removeprefix("postgres:"))
    _point_catalog_at(settings)
    if manifest.ops_kind == "sqlite":
        _sqlite_copy(source / "ops.sqlite", _sqlite_path_of_ops(settings))
    else:
        _pg_restore(source / "ops.pgdump", _libpq_of_ops(settings))
    ops.dispose_all()
    try:
        reader = connect_reader(settings)
        try:
            restored = current_snapshot(reader)
        finally:
            reader.close()
    except LakeError as exc:
        raise BackupError(f"The restored lake does not open: {exc}") from exc
    if restored != manifest.snapshot_id:
        raise BackupError(f"Restored snapshot {restored}, the backup says {manifest.snapshot_id}.")
    return manifest
