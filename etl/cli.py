"""The `postmart` command line.

Subcommands import their module only when run, so `postmart sql` stays quick and the
lake-only commands never import Streamlit. `users` and `audit` reach into `dashboard`
(account and audit services live there); that is the one place etl calls up a layer.
"""

from __future__ import annotations

import argparse
import sys

from warehouse.lake import LakeError
from warehouse.settings import settings_help


def _cmd_sql(args: argparse.Namespace) -> int:
    import csv

    from warehouse.lake import connect_reader
    from warehouse.query import NotReadOnly, ensure_select

    con = connect_reader()
    try:
        ensure_select(con, args.query)
    except NotReadOnly as exc:
        print(f"postmart sql: {exc}", file=sys.stderr)
        return 2
    cur = con.execute(args.query)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow([d[0] for d in cur.description])
    while batch := cur.fetchmany(10_000):
        out.writerows(batch)
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


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="postmart", description="Postmart Admin command line")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("sql", help="run one read-only SELECT on the lake and print CSV")
    s.add_argument("query")
    s.set_defaults(func=_cmd_sql)

    s = sub.add_parser("migrate", help="create or upgrade the lake schema")
    s.set_defaults(func=_cmd_migrate)

    s = sub.add_parser("settings", help="list the POSTMART_* settings and their defaults")
    s.set_defaults(func=_cmd_settings)

    from etl import cli_commands

    cli_commands.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except LakeError as exc:
        print(f"postmart: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `postmart sql ... | head` closed the pipe: not an error for the person reading.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
