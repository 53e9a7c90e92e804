"""The operational DB: SQLAlchemy 2.x engine, transactions and versioned migrations.

SQLite is the embedded default (``sqlite:///<DATA_DIR>/ops.sqlite``); PostgreSQL is the
production engine (``postgresql+psycopg://...`` in ``POSTMART_OPS_DB_URL``).

SQLite is tuned on every new DB-API connection: WAL (readers never block the writer),
a busy timeout (a second writer waits instead of failing at once) and foreign keys (off
by default in SQLite). Python's sqlite3 module is told to leave transactions alone and
SQLAlchemy's ``begin`` event emits ``BEGIN`` itself — the recipe in SQLAlchemy's SQLite
docs — so that ``write()`` can say ``BEGIN IMMEDIATE``: the write lock is taken up front,
and two deciders can never both read "pending" and then deadlock upgrading their locks.

Migrations are Alembic revisions in ``warehouse/migrations/ops/versions``, run from code
(no ``alembic.ini``) by ``engine()`` the first time a process opens a given DB, inside one
write transaction so that two processes starting together apply them once.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine, Executable, Table, create_engine, event, text
from sqlalchemy.engine import make_url

from warehouse.settings import Settings, load_settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations" / "ops"
# Milliseconds a SQLite writer waits for another writer's lock before "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 15_000
# Arbitrary but fixed key of the PostgreSQL advisory lock that serializes migrations.
_PG_MIGRATION_LOCK = 0x706D_6F70  # "pmop"
_BEGIN_MODE = "postmart_sqlite_begin"

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def is_sqlite(eng: Engine | Connection) -> bool:
    return eng.dialect.name == "sqlite"


def _sqlite_events(eng: Engine) -> None:
    @event.listens_for(eng, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event own BEGIN (see the module docstring).
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        try:
            cur.execute("pragma journal_mode = wal")
            cur.execute(f"pragma busy_timeout = {SQLITE_BUSY_TIMEOUT_MS:d}")
            cur.execute("pragma foreign_keys = on")
            # WAL + NORMAL is durable against application crashes, fast on commit.
            cur.execute("pragma synchronous = normal")
        finally:
            cur.close()

    @event.listens_for(eng, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(_BEGIN_MODE, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def create(url: str) -> Engine:
    """A new engine for ``url`` with our connection setup; no migrations applied."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        eng = create_engine(url)
        _sqlite_events(eng)
        return eng
    # pre_ping: a PostgreSQL restart or failover must not surface as a broken page.
    return create_engine(url, pool_pre_ping=True)


def engine(settings: Settings | None = None) -> Engine:
    """The process-wide engine for the configured ops DB, migrated to the latest version."""
    url = (settings or load_settings()).ops_db_url
    with _engines_lock:
        eng = _engines.get(url)
        if eng is None:
            eng = create(url)
            migrate(eng)
            _engines[url] = eng
        return eng


def dispose_all() -> None:
    """Close every pooled connection (tests; processes that fork)."""
    with _engines_lock:
        for eng in _engines.values():
            eng.dispose()
        _engines.clear()


@contextlib.contextmanager
def write(eng: Engine) -> Iterator[Connection]:
    """A write transaction: ``BEGIN IMMEDIATE`` on SQLite, a plain one on PostgreSQL.

    Commits when the block ends, rolls back on an exception. On PostgreSQL, code that
    reads-then-writes shared state must lock what it reads (``FOR UPDATE``) or use a
    conditional update with a checked rowcount.
    """
    with eng.connect() as conn:
        if is_sqlite(conn):
            conn.execution_options(**{_BEGIN_MODE: "IMMEDIATE"})
        with conn.begin():
            yield conn


@contextlib.contextmanager
def read(eng: Engine) -> Iterator[Connection]:
    """A read transaction (one consistent snapshot on both engines)."""
    with eng.connect() as conn, conn.begin():
        yield conn


def fetch_df(
    conn: Connection,
    stmt: Executable,
    schema: Mapping[str, pl.DataType],
    params: Mapping[str, Any] | None = None,
) -> pl.DataFrame:
    """A query's rows as a polars frame of the given schema (also when there are none)."""
    rows = conn.execute(stmt, params or {}).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=dict(schema), orient="row")


def insert_frame(conn: Connection, table: Table, frame: pl.DataFrame) -> int:
    """Insert ``frame``'s rows into ``table`` (its columns named as the table's) in one
    executemany of the driver; returns the count.

    ``conn.execute(insert(table), dicts)`` builds and converts a parameter dict per row in
    Python: for the 13,000 cases of a first reconciliation that cost three times the insert
    itself. Here each column goes through its type's own bind conversion (the same as
    SQLAlchemy's: dates and decimals on SQLite) once, column by column, and the rows reach
    the driver as tuples.
    """
    if not frame.height:
        return 0
    dialect = conn.dialect
    style = dialect.paramstyle
    if style == "qmark":
        mark = "?"
    elif style in ("format", "pyformat"):
        mark = "%s"
    else:  # pragma: no cover - neither SQLite nor psycopg
        raise ValueError(f"paramstyle {style!r} not supported")
    columns = []
    for name in frame.columns:
        values = frame[name].to_list()
        convert = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if convert is not None:
            values = [None if v is None else convert(v) for v in values]
        columns.append(values)
    quote = dialect.identifier_preparer
    # the table's own column names (table.c[name] above), quoted; every value is bound
    sql = (
        f"INSERT INTO {quote.format_table(table)} "  # noqa: S608
        f"({', '.join(quote.quote(n) for n in frame.columns)}) "
        f"VALUES ({', '.join([mark] * frame.width)})"
    )
    conn.exec_driver_sql(sql, list(zip(*columns, strict=True)))
    return frame.height


def migrate(eng: Engine) -> list[str]:
    """Upgrade the ops DB to the latest Alembic revision; return the revisions applied."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext

    applied: list[str] = []
    with write(eng) as conn:
        if not is_sqlite(conn):
            # Replicas starting together: the second waits here, then finds nothing to do.
            conn.execute(text("select pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        before = set(MigrationContext.configure(conn).get_current_heads())
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.attributes["connection"] = conn
        # "heads": each domain's revisions are a branch of their own from the shell's
        # (payments, logistics … each revise 0003), so no domain waits for another's.
        command.upgrade(cfg, "heads")
        after = set(MigrationContext.configure(conn).get_current_heads())
        if after != before:
            applied.append(f"{','.join(sorted(before)) or 'base'} -> {','.join(sorted(after))}")
    return applied


def current_heads(eng: Engine) -> tuple[str, ...]:
    """The revisions the ops DB is at (one per branch of migrations)."""
    from alembic.runtime.migration import MigrationContext

    with read(eng) as conn:
        return tuple(sorted(MigrationContext.configure(conn).get_current_heads()))
