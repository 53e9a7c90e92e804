"""Connections to the lake: DuckDB with DuckLake, extensions from pinned PyPI wheels.

Readers attach the lake READ_ONLY and may be many; the one writer holds a lock for as long
as it writes: a PostgreSQL advisory lock when the catalog is in PostgreSQL (loads on several
machines), a file lock (``<DATA_DIR>/lake/writer.lock``) with a SQLite catalog. DuckLake
gives readers snapshot isolation: they see the previous snapshot until the writer commits.

A reader that meets the SQLite catalog locked by another process's commit retries briefly
(:func:`retry_while_busy`) and then raises :class:`LakeBusy`; no other error is retried.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import os
import re
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import duckdb
from duckdb_extensions import import_extension

from warehouse.settings import Settings, load_settings

LAKE = "lake"
# Extensions are installed from the wheels in site-packages, never downloaded. A connection
# loads DuckLake and the scanner of its catalog only: DuckDB checks an extension's signature
# over the whole file (some 35-40 MB each) on every load, about 0.2 s apiece.
_CATALOG_SCANNERS = {"sqlite:": "sqlite_scanner", "postgres:": "postgres_scanner"}
_MIGRATIONS_DIR = Path(__file__).parent / "migrations" / "lake"

# Internal switch, not a user setting: "1" attaches with DuckLake's OVERRIDE_DATA_PATH, so a
# lake whose folder (and catalog) was copied reads and writes the Parquet files under its own
# configured data path instead of the one recorded in the catalog when it was created. The
# tests copy one reference lake per test this way. Without it DuckLake refuses a data path
# that differs from the recorded one, which is the guard we want against a misconfiguration.
OVERRIDE_DATA_PATH_ENV = "POSTMART_LAKE_OVERRIDE_DATA_PATH"

# How long, in total, a reader keeps retrying while the SQLite catalog is locked by another
# process (a load's commit holds it for a moment, and rollback-journal SQLite lets no reader
# in meanwhile). Long enough to ride out a commit; short enough that a page answers "busy,
# try again" rather than hanging. Then LakeBusy.
READ_BUSY_RETRY_S = 2.0
_READ_BUSY_FIRST_PAUSE_S = 0.05
# SQLite's own wait inside one reader attempt (DuckLake's META_BUSY_TIMEOUT, ms; DuckLake's
# default is 5000). DuckDB's SQLite sleeps in whole seconds when the catalog is busy, so 1000
# means one retry after 1 s: enough for a commit's moment on reads that do not go through
# the retrying helpers, and it keeps one attempt well inside READ_BUSY_RETRY_S.
_READER_SQLITE_BUSY_TIMEOUT_MS = 1000
# The writer's SQLite wait (ms) when its commit meets readers. A rollback-journal SQLite
# commit needs the file's exclusive lock: the writer takes PENDING at once, which lets no new
# reader in (they wait, retry, then answer LakeBusy) while the readers already inside finish
# their read; then it writes. DuckLake's default (5000 ms, in whole seconds) was shorter than
# one long read on a busy replica, so a load's commit failed with "database is locked"
# (the load test, issue 13). 60 s outlasts any one page's read; the load holds the writer
# lock anyway, so no other writer is kept waiting by it.
_WRITER_SQLITE_BUSY_TIMEOUT_MS = 60_000
# SQLite's text for SQLITE_BUSY, which DuckDB passes on inside a plain duckdb.Error
# ("Failed to query most recent snapshot for DuckLake: ... database is locked").
_SQLITE_BUSY_TEXT = "database is locked"
_BUSY_MESSAGE = "The lake is busy: a load is being committed. Try again in a moment."

T = TypeVar("T")


class LakeError(Exception):
    """A lake problem with a message meant for the person who ran the command."""


class LakeMissing(LakeError):
    pass


class LakeBusy(LakeError):
    pass


def _catalog_scanner(settings: Settings) -> str:
    for prefix, scanner in _CATALOG_SCANNERS.items():
        if settings.lake_catalog.startswith(prefix):
            return scanner
    raise LakeError(
        f"Unsupported lake catalog {settings.lake_catalog!r}: use 'sqlite:<file>' or "
        "'postgres:<connection string>'."
    )


def writer_memory_limit(settings: Settings) -> str:
    """The writer's DuckDB memory limit: the setting, else a third of physical memory.
    DuckDB's own default is 80 % for every connection: a full recompute on the large demo
    (90 M events) then took the whole machine from the app's readers and the demo's own
    frames (18.9 GB resident, thrashing)."""
    if settings.writer_memory_limit:
        return settings.writer_memory_limit
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{max(1, total // 3 // 2**20)}MiB"


def _base_connection(
    settings: Settings, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the extensions this lake's catalog needs, auto-install off."""
    config = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    if memory_limit:
        config["memory_limit"] = memory_limit
        # what does not fit spills here (an in-memory DuckDB's default is ./.tmp)
        config["temp_directory"] = str(settings.data_dir / "tmp")
    con = duckdb.connect(config=config)
    # A lake's Parquet files never change once written (a change is a new file), so their
    # footers can be kept: each query otherwise rereads every file's footer (about a third
    # of a small query's time on the medium demo).
    con.execute("set parquet_metadata_cache = true")
    for name in ("ducklake", _catalog_scanner(settings)):
        import_extension(name, con=con)
        con.execute(f"load {name}")
    return con


def is_catalog_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is the SQLite catalog being locked by another process: transient,
    worth a retry. Anything else (a bad query, a missing file) is not."""
    return isinstance(exc, duckdb.Error) and _SQLITE_BUSY_TEXT in str(exc)


# How DuckDB's PostgreSQL client reports a server that went away (restart, failover).
_CATALOG_LOST_TEXTS = (
    "server terminated abnormally",
    "unable to connect to postgres",
    "terminating connection",
    "the database system is shutting down",
    "the database system is starting up",
    "connection to server",
    "server closed the connection",
    "no connection to the server",
)


def is_catalog_lost(exc: BaseException) -> bool:
    """Whether ``exc`` is the lake catalog's server gone away (not a bad query)."""
    if isinstance(exc, duckdb.IOException):
        return True
    text = str(exc).lower()
    return isinstance(exc, duckdb.Error) and any(t in text for t in _CATALOG_LOST_TEXTS)


def moved_lake_error(exc: BaseException, settings: Settings) -> LakeError | None:
    """A clear LakeError when ``exc`` is DuckLake refusing a catalog whose files were
    recorded elsewhere (a lake folder copied by hand: the catalog keeps absolute paths)."""
    if isinstance(exc, duckdb.Error) and "does not match existing data path" in str(exc):
        return LakeError(
            f"The lake catalog's files were recorded at another place than "
            f"{settings.lake_data_path}: a lake copied to a new folder is moved with "
            "`postmart backup` and `postmart restore` (docs/deploy.md)."
        )
    return None


def retry_while_busy(call: Callable[[], T]) -> T:
    """``call()``, retried with growing pauses while the catalog is busy, for at most
    READ_BUSY_RETRY_S in all; then LakeBusy. For reads only: a read is safe to repeat."""
    deadline = time.monotonic() + READ_BUSY_RETRY_S
    pause = _READ_BUSY_FIRST_PAUSE_S
    while True:
        try:
            return call()
        except duckdb.Error as exc:
            if not is_catalog_busy(exc):
                raise
            if time.monotonic() + pause > deadline:
                raise LakeBusy(_BUSY_MESSAGE) from exc
        time.sleep(pause)
        pause *= 2


_NO_SUCH_DATABASE = re.compile(r'database ".*" does not exist')


def _postgres_catalog_exists(conninfo: str) -> bool:
    """Ask the PostgreSQL database of the catalog whether DuckLake's tables are there.

    DuckLake keeps them in schema ``public`` unless METADATA_SCHEMA is given (we never
    give it). A database that does not exist holds no lake either; any other failure to
    connect is a LakeError, not "no lake", so nobody is told to rebuild a lake that is
    merely unreachable.
    """
    import psycopg  # here: only a PostgreSQL catalog needs it

    try:
        with psycopg.connect(conninfo, connect_timeout=10) as pg:
            row = pg.execute("select to_regclass('public.ducklake_metadata') is not null")
            return bool(row.fetchone()[0])
    except psycopg.OperationalError as exc:
        # During connection start-up the server's SQLSTATE (3D000, invalid catalog name)
        # reaches libpq only as the message text.
        if _NO_SUCH_DATABASE.search(str(exc)):
            return False
        raise LakeError(f"Cannot reach the lake catalog: {exc}".strip()) from exc


def catalog_exists(settings: Settings) -> bool:
    """Whether a DuckLake catalog exists where the settings point (file or database)."""
    if _catalog_scanner(settings) == "postgres_scanner":
        return _postgres_catalog_exists(settings.lake_catalog.removeprefix("postgres:"))
    return Path(settings.lake_catalog.removeprefix("sqlite:")).exists()


def _attach_statement(
    settings: Settings, read_only: bool, snapshot_version: int | None = None
) -> str:
    # Paths come from our own settings, not from users; DuckDB cannot bind ATTACH targets.
    catalog = settings.lake_catalog.replace("'", "''")
    data_path = settings.lake_data_path.replace("'", "''")
    options = [f"data_path '{data_path}'"]
    if os.environ.get(OVERRIDE_DATA_PATH_ENV) == "1":
        options.append("override_data_path true")
    if snapshot_version is not None:
        # Time travel (impact's "as of"): the lake as that commit left it.
        options.append(f"snapshot_version {int(snapshot_version)}")
    if read_only:
        options.append("read_only")
        if settings.lake_catalog.startswith("sqlite:"):
            options.append(f"meta_busy_timeout {_READER_SQLITE_BUSY_TIMEOUT_MS}")
    elif settings.lake_catalog.startswith("sqlite:"):
        options.append(f"meta_busy_timeout {_WRITER_SQLITE_BUSY_TIMEOUT_MS}")
    return f"attach 'ducklake:{catalog}' as {LAKE} ({', '.join(options)})"


def connect_reader(
    settings: Settings | None = None, snapshot_version: int | None = None
) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the lake (as of ``snapshot_version`` when given); raises
    LakeMissing when none was built yet and LakeBusy when the catalog stays locked by
    another process's commit."""
    settings = settings or load_settings()
    if not catalog_exists(settings):
        raise LakeMissing(
            f"No lake at {settings.lake_catalog}. Run `postmart demo` or `postmart etl load`."
        )
    con = _base_connection(settings)
    attach = _attach_statement(settings, read_only=True, snapshot_version=snapshot_version)
    try:
        # Each step retried on its own: a failed ATTACH leaves nothing attached, so it can
        # simply run again, and `use` must not repeat an ATTACH that succeeded.
        retry_while_busy(lambda: con.execute(attach))
        retry_while_busy(lambda: con.execute(f"use {LAKE}"))
    except BaseException as exc:
        con.close()
        if moved := moved_lake_error(exc, settings):
            raise moved from exc
        raise
    return con


def _busy_message(holder: str, timeout_s: float) -> str:
    return (
        f"The lake is being written by {holder}; waited {timeout_s:g} s. "
        "Try again when that load has finished."
    )


@contextlib.contextmanager
def writer_lock(settings: Settings, timeout_s: float | None = None) -> Iterator[Callable[[], None]]:
    """Hold the single-writer lock; wait up to ``timeout_s`` and then fail clearly. Yields
    a check that raises LakeError when the lock was lost meanwhile (see
    :func:`confirm_writer_lock`).

    With a PostgreSQL catalog the lock is a PostgreSQL advisory lock, so that loads
    started on different machines exclude each other; with a SQLite catalog (one machine)
    it is a file lock next to the catalog.
    """
    timeout_s = settings.writer_lock_timeout_s if timeout_s is None else timeout_s
    if _catalog_scanner(settings) == "postgres_scanner":
        with _pg_writer_lock(settings.lake_catalog.removeprefix("postgres:"), timeout_s) as check:
            yield check
        return
    settings.lake_dir.mkdir(parents=True, exist_ok=True)
    path = settings.lake_dir / "writer.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = path.read_text().strip() or "another process"
                    raise LakeBusy(_busy_message(holder, timeout_s)) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, f"process {os.getpid()}".encode())
        yield lambda: None  # a file lock held by this process cannot be lost
    finally:
        os.close(fd)


# The advisory lock's key (any fixed bigint; advisory locks are per database, so this is
# one lock per catalog database). Held at session level on a connection of its own, open
# for the whole load: a crashed writer's lock goes with its connection, and no transaction
# of the load itself can release it early.
PG_WRITER_LOCK_KEY = 7_413_560_201
_PG_WRITER_APP = "postmart lake writer"


@contextlib.contextmanager
def _pg_writer_lock(conninfo: str, timeout_s: float) -> Iterator[Callable[[], None]]:
    import psycopg  # here: only a PostgreSQL catalog needs it

    me = f"{_PG_WRITER_APP}: process {os.getpid()} on {socket.gethostname()}"
    try:
        pg = psycopg.connect(
            conninfo, autocommit=True, connect_timeout=10, application_name=me[:63]
        )
    except psycopg.OperationalError as exc:
        raise LakeError(f"Cannot reach the lake catalog: {exc}".strip()) from exc
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            row = pg.execute("select pg_try_advisory_lock(%s)", [PG_WRITER_LOCK_KEY]).fetchone()
            if row[0]:
                break
            if time.monotonic() >= deadline:
                raise LakeBusy(_busy_message(_pg_lock_holder(pg), timeout_s))
            time.sleep(0.2)

        def check() -> None:
            # A PostgreSQL restart ends the lock's session, and the lock with it, while the
            # load's own catalog connection may reconnect and commit: another writer could
            # then be writing too. The session must still be the one that took the lock.
            try:
                pg.execute("select 1").fetchone()
            except psycopg.Error as exc:
                detail = " ".join(str(exc).split())[:300]
                raise LakeError(f"Lost the lake catalog's writer lock: {detail}") from exc

        try:
            yield check
        finally:
            with contextlib.suppress(psycopg.Error):
                pg.execute("select pg_advisory_unlock(%s)", [PG_WRITER_LOCK_KEY])
    except psycopg.OperationalError as exc:
        raise LakeError(f"Lost the lake catalog while waiting for the lock: {exc}") from exc
    finally:
        pg.close()


def _pg_lock_holder(pg: object) -> str:
    """Who holds the writer's advisory lock, as its connection named itself."""
    row = pg.execute(
        "select a.application_name from pg_locks l join pg_stat_activity a using (pid) "
        "where l.locktype = 'advisory' and l.granted and l.database = "
        "(select oid from pg_database where datname = current_database()) "
        "and (l.classid::bigint << 32 | l.objid::bigint) = %s",
        [PG_WRITER_LOCK_KEY],
    ).fetchone()
    name = (row[0] if row else "") or ""
    return name.removeprefix(f"{_PG_WRITER_APP}: ") or "another process"


_CURRENT_SNAPSHOT = "select * from ducklake_current_snapshot('lake')"  # LAKE


def current_snapshot(con: duckdb.DuckDBPyConnection) -> int:
    """The lake's latest snapshot id, as the catalog has it now (a load committed by any
    process, on any machine, makes a new one); read cheaply, for cache invalidation."""

    def read() -> int:
        cur = con.cursor()
        try:
            return int(cur.execute(_CURRENT_SNAPSHOT).fetchone()[0])
        finally:
            cur.close()

    return retry_while_busy(read)


@contextlib.contextmanager
def connect_writer(
    settings: Settings | None = None,
    timeout_s: float | None = None,
    memory_limit: str | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The one read-write connection, under the writer lock, with migrations applied."""
    settings = settings or load_settings()
    with writer_lock(settings, timeout_s) as check:
        Path(settings.lake_data_path).mkdir(parents=True, exist_ok=True)
        con = _base_connection(settings, memory_limit or writer_memory_limit(settings))
        _LOCK_CHECKS[id(con)] = check
        try:
            try:
                con.execute(_attach_statement(settings, read_only=False))
                con.execute(f"use {LAKE}")
                migrate(con)
            except duckdb.Error as exc:
                # The catalog went away between the lock and the first write (a PostgreSQL
                # restart): one clear line, not a traceback; nothing was written. Any
                # other error (a bad migration) stays what it is.
                if moved := moved_lake_error(exc, settings):
                    raise moved from exc
                if not is_catalog_lost(exc):
                    raise
                detail = " ".join(str(exc).split())[:300]
                raise LakeError(f"Lost the lake catalog: {detail}") from exc
            yield con
        finally:
            _LOCK_CHECKS.pop(id(con), None)
            con.close()


# The writer-lock check of each open writer connection (connect_writer), by id.
_LOCK_CHECKS: dict[int, Callable[[], None]] = {}


def confirm_writer_lock(con: duckdb.DuckDBPyConnection) -> None:
    """Raise LakeError when the writer lock ``con`` was opened under is no longer held
    (PostgreSQL restarted during the load): called just before a load commits."""
    if check := _LOCK_CHECKS.get(id(con)):
        check()


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every lake migration, in order."""
    out = []
    for path in sorted(_MIGRATIONS_DIR.glob("*.sql")):
        version = int(path.name.split("_", 1)[0])
        out.append((version, path.stem, path.read_text(encoding="utf-8")))
    return out


def applied_versions(con: duckdb.DuckDBPyConnection) -> set[int]:
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_catalog = ? and table_name = 'schema_migrations'",
        [LAKE],
    ).fetchone()[0]
    if not exists:
        return set()
    return {v for (v,) in con.execute("select version from schema_migrations").fetchall()}


def _backfill(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """A migration may come with ``<name>.py`` next to its SQL, defining ``backfill(con)``:
    the rows an existing lake needs that the SQL alone cannot write (run in the migration's
    transaction, after its SQL)."""
    path = _MIGRATIONS_DIR / f"{name}.py"
    if not path.exists():
        return
    spec = importlib.util.spec_from_file_location(f"_lake_migration_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.backfill(con)


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply pending migrations, each in its own transaction; return what was applied."""
    done = applied_versions(con)
    applied = []
    for version, name, sql in migrations():
        if version in done:
            continue
        con.execute("begin")
        try:
            con.execute(sql)
            _backfill(con, name)
            con.execute(
                "insert into schema_migrations values (?, ?, current_localtimestamp())",
                [version, name],
            )
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        applied.append(version)
    return applied
