"""The ETL's commands of `postmart`: sql, migrate, settings, etl load / status.

The `postmart` command itself (``dashboard.cli``) registers these with the app's own, so
that this package never reaches up into ``dashboard``. Subcommands import their module
only when run, so `postmart sql` stays quick.

Bad input — a query that does not parse or names a column that does not exist, a path
that is not there, a lake that is not built — ends a command with one line naming the
problem and exit status 2 (:class:`CommandError`, raised here and printed by the root). A
bug still shows its traceback.
"""

from __future__ import annotations

import argparse
import csv
import sys

import duckdb

from warehouse.settings import settings_help

# DuckDB's errors for a query that is wrong (syntax, unknown name, bad value), as opposed
# to errors of DuckDB itself (InternalException), which are bugs to report.
_QUERY_ERRORS = (duckdb.ProgrammingError, duckdb.DataError, duckdb.InvalidInputException)


class CommandError(Exception):
    """Bad input to a command: printed as one line, exit status 2."""


def _cmd_sql(args: argparse.Namespace) -> int:
    from warehouse.lake import connect_reader
    from warehouse.query import NotReadOnly, ensure_select

    con = connect_reader()
    try:
        try:
            ensure_select(con, args.query)
            cur = con.execute(args.query)
        except NotReadOnly as exc:
            raise CommandError(f"sql: {exc}") from None
        except _QUERY_ERRORS as exc:
            raise CommandError(f"sql: {str(exc).strip().splitlines()[0]}") from None
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow([d[0] for d in cur.description])
        while batch := cur.fetchmany(10_000):
            out.writerows(batch)
    finally:
        con.close()
    return 0


def _cmd_migrate(args: argparse.Namespace) -> int:
    from warehouse.lake import connect_writer

    with connect_writer():
        pass
    print("lake schema is up to date")
    return 0


def _cmd_settings(args: argparse.Namespace) -> int:
    print(settings_help())
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ETL's commands to the `postmart` parser."""
    from etl.load.cli import register as register_load

    s = sub.add_parser("sql", help="run one read-only SELECT on the lake and print CSV")
    s.add_argument("query")
    s.set_defaults(func=_cmd_sql)

    s = sub.add_parser("migrate", help="create or upgrade the lake schema")
    s.set_defaults(func=_cmd_migrate)

    s = sub.add_parser("settings", help="list the POSTMART_* settings and their defaults")
    s.set_defaults(func=_cmd_settings)

    register_load(sub)
