"""The load test's copy moved onto PostgreSQL (``--postgres``): the production configuration.

The run folder's SQLite copies (ops DB and lake catalog, made by ``run.prepare``) are moved
into two fresh databases on the given server: the ops DB through its own Alembic migrations
and then row by row (the sequences set past the copied ids), the DuckLake catalog by letting
DuckLake create its tables in PostgreSQL and copying every ``ducklake_*`` table into them.
The Parquet files stay where they are (the catalog's paths are relative to its data path).
The databases are named after the run and left in place for inspection (drop them after).
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import psycopg
from sqlalchemy import MetaData, create_engine, insert, select, text
from sqlalchemy.engine import make_url


def _conninfo(url: str, dbname: str) -> str:
    u = make_url(url)
    parts = {
        "dbname": dbname,
        "host": u.host or "127.0.0.1",
        "port": str(u.port or 5432),
        "user": u.username or "postgres",
    }
    if u.password:
        parts["password"] = u.password
    return " ".join(f"{k}={v}" for k, v in parts.items())


def _create_database(url: str, name: str) -> None:
    admin = _conninfo(url, make_url(url).database or "postgres")
    with psycopg.connect(admin, autocommit=True) as pg:
        pg.execute(f'create database "{name}"')  # our own name: [a-z0-9_] only


def _copy_ops(sqlite_file: Path, pg_url: str) -> dict[str, int]:
    from warehouse import ops

    target = ops.create(pg_url)
    ops.migrate(target)
    source = create_engine(f"sqlite:///{sqlite_file}")
    src_meta, dst_meta = MetaData(), MetaData()
    src_meta.reflect(source)
    dst_meta.reflect(target)
    copied: dict[str, int] = {}
    with source.connect() as src, target.begin() as dst:
        for table in dst_meta.sorted_tables:
            if table.name == "alembic_version" or table.name not in src_meta.tables:
                continue
            if dst.execute(select(table).limit(1)).first():
                dst.execute(table.delete())  # rows a migration seeded come again from the copy
            rows = [dict(r._mapping) for r in src.execute(select(src_meta.tables[table.name]))]
            if rows:
                dst.execute(insert(table), rows)
            copied[table.name] = len(rows)
            for column in table.columns:
                seq = dst.execute(
                    text("select pg_get_serial_sequence(:t, :c)"),
                    {"t": table.name, "c": column.name},
                ).scalar()
                if seq:
                    # Table and column names from our own migrated schema, not from users.
                    next_id = (
                        f'select setval(:s, coalesce((select max("{column.name}") '  # noqa: S608
                        f'from "{table.name}"), 0) + 1, false)'
                    )
                    dst.execute(text(next_id), {"s": seq})
    source.dispose()
    target.dispose()
    return copied


def _copy_catalog(sqlite_file: Path, conninfo: str, data_path: str) -> int:
    import duckdb
    from duckdb_extensions import import_extension

    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    try:
        for name in ("ducklake", "sqlite_scanner", "postgres_scanner"):
            import_extension(name, con=con)
            con.execute(f"load {name}")
        esc = conninfo.replace("'", "''")
        # DuckLake makes its tables (its own column types) in the new database, then they
        # are emptied and filled with the SQLite catalog's rows.
        con.execute(f"attach 'ducklake:postgres:{esc}' as fresh (data_path '{data_path}')")
        con.execute("detach fresh")
        con.execute(f"attach '{sqlite_file}' as src (type sqlite, read_only)")
        con.execute(f"attach '{esc}' as dst (type postgres)")

        def tables(db: str) -> list[str]:
            rows = con.execute(
                "select table_name from duckdb_tables() where database_name = ? "
                "and table_name like 'ducklake%'",
                [db],
            ).fetchall()
            return [r[0] for r in rows]

        made = set(tables("dst"))
        copied = tables("src")
        con.execute("begin")
        for t in copied:
            assert re.fullmatch(r"[a-z0-9_]+", t), t
            if t not in made:
                # A table's inlined rows (ducklake_inlined_data_<table>_<version>): DuckLake
                # makes these as it goes; made here from the SQLite one's columns.
                con.execute(f"create table dst.public.{t} as select * from src.{t} limit 0")  # noqa: S608
            cols = [
                r[0]
                for r in con.execute(
                    "select column_name from duckdb_columns() where database_name = 'src' "
                    "and table_name = ? order by column_index",
                    [t],
                ).fetchall()
            ]
            # Names from DuckLake's own catalog schema (checked above), not from users.
            names = ", ".join(f'"{c}"' for c in cols)
            con.execute(f"delete from dst.public.{t}")  # noqa: S608
            con.execute(f"insert into dst.public.{t} ({names}) select {names} from src.{t}")  # noqa: S608
        con.execute("commit")
        return len(copied)
    finally:
        con.close()


def move_to_postgres(data: Path, server_url: str, stamp: str) -> dict[str, str]:
    """The run's ops DB and lake catalog (SQLite copies under ``data``) moved into two new
    databases on ``server_url``; returns the POSTMART_* settings that point at them."""
    ops_db, lake_db = f"pm_loadtest_ops_{stamp}", f"pm_loadtest_lake_{stamp}"
    for name in (ops_db, lake_db):
        _create_database(server_url, name)
    ops_url = make_url(server_url).set(drivername="postgresql+psycopg", database=ops_db)
    ops_url_s = ops_url.render_as_string(hide_password=False)
    copied = _copy_ops(data / "ops.sqlite", ops_url_s)
    conninfo = _conninfo(server_url, lake_db)
    data_path = f"{data / 'lake' / 'files'}/"
    tables = _copy_catalog(data / "lake" / "catalog.sqlite", conninfo, data_path)
    # Nothing may read the SQLite copies by mistake from here on.
    for f in (data / "ops.sqlite", data / "lake" / "catalog.sqlite"):
        with contextlib.suppress(FileNotFoundError):
            f.rename(f.with_name(f.name + ".moved-to-postgres"))
    print(
        f"loadtest: ops DB in {ops_db} ({sum(copied.values())} rows), "
        f"lake catalog in {lake_db} ({tables} tables)",
        flush=True,
    )
    return {
        "POSTMART_OPS_DB_URL": ops_url_s,
        "POSTMART_LAKE_CATALOG": f"postgres:{conninfo}",
        "POSTMART_LAKE_DATA_PATH": data_path,
    }
