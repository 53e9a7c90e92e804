"""The loader: one file, one DuckLake transaction (facts + quarantine + ledger row).

Flow per file: hash the content; under the writer lock, skip it if the ledger already has
that hash; read; validate against the lake; MERGE good rows by natural key; insert the
quarantine entries and the ledger row; commit. Anything that goes wrong before the commit
rolls back, so a failed or killed load leaves none of the file in the lake.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from etl.feeds.readers import FeedReadError, read_csv_header, read_feed
from etl.feeds.specs import (
    FEEDS,
    Feed,
    UnknownFeed,
    detect_by_header,
    detect_by_name,
    feed_by_name,
    file_format,
)
from etl.feeds.validate import LakeLookups, validate
from etl.load import impact_marts, payment_marts, shipment_state
from warehouse.lake import (
    LakeError,
    LakeMissing,
    confirm_writer_lock,
    connect_reader,
    connect_writer,
)
from warehouse.query import fetch_df, quote_ident, table_counts
from warehouse.settings import Settings, load_settings

Progress = Callable[[float, str], None]
# Test hook: seconds to sleep just before COMMIT, so a test can kill a load mid-transaction.
PAUSE_BEFORE_COMMIT_ENV = "POSTMART_ETL_TEST_PAUSE_BEFORE_COMMIT_S"
_HASH_CHUNK = 8 * 1024 * 1024
_FEED_ORDER = {f.name: i for i, f in enumerate(FEEDS)}


@dataclass
class LoadResult:
    file: str
    feed: str
    load_id: str | None
    status: str  # "loaded" | "already_loaded" | "failed"
    count_read: int = 0
    count_loaded: int = 0
    count_quarantined: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)
    message: str | None = None


def detect_feed(path: Path | str) -> str:
    """The feed of a file, by its name pattern, else by its header; UnknownFeed if neither."""
    path = Path(path)
    feed = detect_by_name(path)
    if feed is not None:
        return feed.name
    fmt = file_format(path)
    if fmt == "csv" and path.exists():
        feed = detect_by_header(read_csv_header(path), fmt)
        if feed is not None:
            return feed.name
    known = "; ".join(f"{f.name}: {', '.join(f.patterns)}" for f in FEEDS)
    raise UnknownFeed(
        f"{path.name}: cannot tell which feed this file is (name or header); "
        f"name it after its feed or pass --feed. Known patterns: {known}"
    )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_HASH_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _expand(paths: Iterable[Path | str] | Path | str) -> list[Path]:
    """Files as given; a folder stands for its visible files (hidden ones are skipped)."""
    out: list[Path] = []
    if isinstance(paths, str | Path):
        paths = [paths]
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(c for c in p.iterdir() if c.is_file() and not c.name.startswith("."))
        else:
            out.append(p)
    return out


def _df(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    # On the connection itself: a DuckDB cursor does not inherit `use lake`.
    return con.execute(sql, params).pl()


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    return con.execute(sql, params).fetchone()


class _Lookups(LakeLookups):
    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._pairs: pl.DataFrame | None = None

    def postal_pairs(self) -> pl.DataFrame | None:
        if self._pairs is None:
            self._pairs = _df(
                self.con, "select distinct subdistrict_code, postal_code from dim_postal_code"
            )
        return self._pairs if self._pairs.height else None

    def has_rows(self, table: str) -> bool:
        return _one(self.con, f"select exists (select 1 from {quote_ident(table)})")[0]  # noqa: S608

    def unknown(self, table: str, column: str, values: pl.Series) -> pl.Series:
        # Only the file's distinct values cross into DuckDB; the anti join runs there.
        self.con.register("_vals", values.cast(pl.Utf8).to_frame("v").to_arrow())
        try:
            out = _df(
                self.con,
                f"select v from _vals anti join (select distinct {quote_ident(column)} as k "  # noqa: S608
                f"from {quote_ident(table)}) t on _vals.v = t.k",
            )
        finally:
            self.con.unregister("_vals")
        return out["v"]


def _table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = current_database() and table_name = ? order by ordinal_position",
        [table],
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def _conform_branches(
    con: duckdb.DuckDBPyConnection, good: pl.DataFrame, source: str
) -> pl.DataFrame:
    """Fill district, province, postal region and mail centre of branch master rows.

    The derivation is the reference helper's (etl.reference.conform_branches), fed with the
    geography that is in the lake, so a branch agrees with the dims it will be joined to.
    """
    from etl.reference import conform_branches

    geography = {
        t: _df(con, f"select * from {quote_ident(t)}")  # noqa: S608
        for t in ("dim_postal_code", "dim_subdistrict", "dim_province")
    }
    return conform_branches(good, geography=geography, source=source)


def _merge(
    con: duckdb.DuckDBPyConnection,
    feed: Feed,
    good: pl.DataFrame,
    constants: dict[str, str],
    existing: str | None = None,
) -> pl.DataFrame:
    """Insert ``good`` into the feed's table, a row with the key of a stored row replacing
    it (every column from the file). ``existing``: a registered relation holding every
    stored row that can share a key with ``good``, with its ``rowid`` as ``_rowid`` (the
    logistics hook reads the tracking numbers' events once for the shipment state too):
    then the table is not scanned here. Returns the rows as written."""
    columns = _table_columns(con, feed.table)
    select = []
    for name, dtype in columns:
        if name in constants:
            select.append(f"cast(? as {dtype}) as {quote_ident(name)}")
        elif name in good.columns:
            select.append(f"cast({quote_ident(name)} as {dtype}) as {quote_ident(name)}")
        else:
            select.append(f"cast(null as {dtype}) as {quote_ident(name)}")
    params = [constants[name] for name, _ in columns if name in constants]
    names = [quote_ident(n) for n, _ in columns]
    con.register("_src", good.to_arrow())
    try:
        rows = con.execute(f"select {', '.join(select)} from _src", params).pl()  # noqa: S608
    finally:
        con.unregister("_src")
    table = quote_ident(feed.table)
    on = " and ".join(
        f"t.{quote_ident(k)} is not distinct from s.{quote_ident(k)}" for k in feed.key
    )
    con.register("_rows", rows.to_arrow())
    try:
        if existing is not None:
            # The stored rows a file row replaces, found among the few that can match.
            matched = [
                r[0]
                for r in con.execute(
                    f"select t._rowid from {existing} t semi join _rows s on ({on})"  # noqa: S608
                ).fetchall()
            ]
            if matched:
                con.execute(
                    f"delete from {table} where rowid in (select unnest(?))",  # noqa: S608
                    [matched],
                )
            con.execute(f"insert into {table} ({', '.join(names)}) select * from _rows")  # noqa: S608
            return rows
        # Most files bring only new records: then a plain insert does, which is much
        # cheaper than MERGE. The probe joins on the keys that are never null.
        probe = " and ".join(
            f"t.{quote_ident(k)} = s.{quote_ident(k)}" for k in feed.key if feed.column(k).required
        )
        overlap = con.execute(
            f"select exists (select 1 from _rows s semi join {table} t on {probe})"  # noqa: S608
        ).fetchone()[0]
        if not overlap:
            con.execute(f"insert into {table} ({', '.join(names)}) select * from _rows")  # noqa: S608
            return rows
        updates = ", ".join(f"{n} = s.{n}" for n in names if n.strip('"') not in feed.key)
        con.execute(
            f"merge into {table} as t "  # noqa: S608
            f"using _rows as s on ({on}) "
            f"when matched then update set {updates} "
            f"when not matched then insert ({', '.join(names)}) "
            f"values ({', '.join('s.' + n for n in names)})",
        )
        return rows
    finally:
        con.unregister("_rows")


def _ledger_row(con: duckdb.DuckDBPyConnection, sha: str) -> tuple | None:
    return _one(
        con,
        "select load_id, count_read, count_loaded, count_quarantined, finished_at "
        "from etl_load where content_sha256 = ? order by finished_at desc limit 1",
        [sha],
    )


def _by_reason(con: duckdb.DuckDBPyConnection, load_id: str) -> dict[str, int]:
    rows = con.execute(
        "select reason_code, count(distinct line_no) from etl_quarantine "
        "where load_id = ? group by reason_code order by 2 desc",
        [load_id],
    ).fetchall()
    return {r[0]: int(r[1]) for r in rows}


def _load_one(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    feed: Feed,
    loaded_by: str,
    step: Callable[[float, str], None],
) -> LoadResult:
    started = dt.datetime.now()
    # Hash and read at once (both release the GIL): the hash decides whether the file was
    # loaded before, and a new file, the usual case, needs the read anyway.
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(_sha256, path)
        step(0.05, f"reading {path.name}")
        try:
            raw = read_feed(path, feed)
        except BaseException:
            hashing.cancel()
            raise
        sha = hashing.result()
    earlier = _ledger_row(con, sha)
    if earlier is not None:
        load_id, n_read, n_loaded, n_quar, finished = earlier
        return LoadResult(
            file=str(path),
            feed=feed.name,
            load_id=load_id,
            status="already_loaded",
            count_read=n_read,
            count_loaded=n_loaded,
            count_quarantined=n_quar,
            by_reason=_by_reason(con, load_id),
            message=f"{path.name}: already loaded ({finished:%Y-%m-%d %H:%M}, load {load_id})",
        )
    step(0.3, f"validating {raw.height:,} rows")
    checked = validate(raw, feed, _Lookups(con))
    del raw
    good = checked.good
    if feed.name == "branch_master" and good.height:
        good = _conform_branches(con, good, path.name)
    load_id = uuid.uuid4().hex
    q = checked.quarantine.with_columns(
        pl.lit(load_id).alias("load_id"),
        pl.lit(feed.name).alias("feed"),
        pl.lit(path.name).alias("file_name"),
    )
    constants = {k: (path.name if v == "<file name>" else v) for k, v in feed.constants.items()}
    step(0.6, f"writing {good.height:,} rows")
    con.execute("begin")
    try:
        if good.height:
            marts_since = payment_marts.since(con, feed.name, good)  # payments
            stored = shipment_state.before_merge(con, feed.name, good)  # logistics
            written = _merge(con, feed, good, constants, stored.relation if stored else None)
            changed = shipment_state.after_merge(  # logistics
                con, feed.name, good, stored, written, watch=payment_marts.SHIPMENT_COLUMNS
            )
            impact_marts.after_merge(con, feed.name, good)  # impact
            payment_marts.after_merge(con, feed.name, good, marts_since, changed)  # payments
        if q.height:
            con.register("_q", q.to_arrow())
            con.execute("insert into etl_quarantine by name select * from _q")
            con.unregister("_q")
        con.execute(
            "insert into etl_load values (?, ?, ?, ?, ?, ?, current_localtimestamp(), ?, ?, ?, ?)",
            [
                load_id,
                feed.name,
                path.name,
                str(path.resolve()),
                sha,
                started,
                checked.count_read,
                good.height,
                checked.count_quarantined,
                loaded_by,
            ],
        )
        if pause := float(os.environ.get(PAUSE_BEFORE_COMMIT_ENV) or 0):
            time.sleep(pause)
        step(0.95, "committing")
        confirm_writer_lock(con)  # never commit without the lock (a PostgreSQL restart)
        con.execute("commit")
    except BaseException:
        # A failed commit has already ended the transaction; a rollback then raises "no
        # transaction is active", which would hide the real error (found by the load test:
        # a commit refused while readers held the SQLite catalog).
        with contextlib.suppress(duckdb.Error):
            con.execute("rollback")
        raise
    by_reason = (
        checked.quarantine.group_by("reason_code")
        .agg(pl.col("line_no").n_unique().alias("n"))
        .sort("n", descending=True)
    )
    return LoadResult(
        file=str(path),
        feed=feed.name,
        load_id=load_id,
        status="loaded",
        count_read=checked.count_read,
        count_loaded=good.height,
        count_quarantined=checked.count_quarantined,
        by_reason=dict(zip(by_reason["reason_code"], by_reason["n"], strict=True)),
        message="; ".join(checked.notes) or None,
    )


def load_files(
    paths: Iterable[Path | str] | Path | str,
    *,
    settings: Settings | None = None,
    loaded_by: str = "cli",
    feed: str | None = None,
    progress: Progress | None = None,
) -> list[LoadResult]:
    """Load feed files, each in its own transaction; referenced feeds go first.

    Folders stand for their files. A file that fails leaves nothing in the lake and does not
    stop the others. Do not call this while holding ``connect_writer``: it takes the lock.
    """
    settings = settings or load_settings()
    results: list[LoadResult] = []
    todo: list[tuple[Path, Feed]] = []
    for path in _expand(paths):
        try:
            todo.append((path, feed_by_name(feed) if feed else feed_by_name(detect_feed(path))))
        except UnknownFeed as exc:
            results.append(
                LoadResult(str(path), feed or "unknown", None, "failed", message=str(exc))
            )
    todo.sort(key=lambda pf: _FEED_ORDER[pf[1].name])
    if not todo:
        return results
    with connect_writer(settings) as con:
        for i, (path, f) in enumerate(todo):

            def step(frac: float, msg: str, i: int = i) -> None:
                if progress is not None:
                    progress((i + frac) / len(todo), msg)

            try:
                results.append(_load_one(con, path, f, loaded_by, step))
            except FeedReadError as exc:
                results.append(LoadResult(str(path), f.name, None, "failed", message=str(exc)))
            except (duckdb.Error, pl.exceptions.PolarsError, OSError, LakeError) as exc:
                results.append(
                    LoadResult(str(path), f.name, None, "failed", message=f"{path.name}: {exc}")
                )
            step(1.0, f"{path.name} done")
    return results


_LEDGER_SCHEMA = {
    "load_id": pl.Utf8,
    "feed": pl.Utf8,
    "file_name": pl.Utf8,
    "file_path": pl.Utf8,
    "content_sha256": pl.Utf8,
    "started_at": pl.Datetime("us"),
    "finished_at": pl.Datetime("us"),
    "count_read": pl.Int64,
    "count_loaded": pl.Int64,
    "count_quarantined": pl.Int64,
    "loaded_by": pl.Utf8,
}


def _read(
    settings: Settings | None,
    con: duckdb.DuckDBPyConnection | None,
    read: Callable[[duckdb.DuckDBPyConnection], pl.DataFrame],
) -> pl.DataFrame:
    """``read`` on ``con`` (a long-lived reader, such as the app's), or on a connection
    opened and closed here; opening one costs more than these small reads."""
    if con is not None:
        return read(con)
    own = connect_reader(settings)
    try:
        return read(own)
    finally:
        own.close()


def ledger(
    settings: Settings | None = None, con: duckdb.DuckDBPyConnection | None = None
) -> pl.DataFrame:
    """Every committed load, newest first (empty when there is no lake yet)."""
    sql = "select * from etl_load order by finished_at desc, started_at desc"
    try:
        return _read(settings, con, lambda c: fetch_df(c, sql))
    except LakeMissing:
        return pl.DataFrame(schema=_LEDGER_SCHEMA)


def lake_tables(
    settings: Settings | None = None, con: duckdb.DuckDBPyConnection | None = None
) -> pl.DataFrame:
    """Every lake table and its row count in the current snapshot (empty with no lake)."""
    try:
        return _read(settings, con, table_counts)
    except LakeMissing:
        return pl.DataFrame(schema={"table": pl.Utf8, "rows": pl.Int64})


def quarantine_rows(
    load_id: str, settings: Settings | None = None, con: duckdb.DuckDBPyConnection | None = None
) -> pl.DataFrame:
    """The quarantine entries of one load, in file order."""
    sql = "select * from etl_quarantine where load_id = ? order by line_no, field"
    return _read(settings, con, lambda c: fetch_df(c, sql, [load_id]))
