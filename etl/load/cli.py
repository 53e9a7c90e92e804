"""`postmart etl load PATH... [--feed NAME]` and `postmart etl status`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl.cli import CommandError
from etl.feeds.specs import FEEDS_BY_NAME


def _cmd_load(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from etl.load import load_files

    bar = tqdm(total=100, unit="%", file=sys.stderr, disable=None, leave=False)

    def progress(fraction: float, message: str) -> None:
        bar.set_description(message[:50])
        bar.update(max(0, round(fraction * 100) - bar.n))

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise CommandError(f"etl load: no such file or folder: {', '.join(missing)}")
    try:
        results = load_files(
            args.paths, feed=args.feed, loaded_by=args.loaded_by, progress=progress
        )
    finally:
        bar.close()
    failed = 0
    for r in results:
        name = r.file.rsplit("/", 1)[-1]
        if r.status == "failed":
            failed += 1
            print(f"FAILED  {r.message}")
            continue
        label = "loaded" if r.status == "loaded" else "already loaded, nothing changed"
        print(
            f"{label:<8} {name} [{r.feed}]: read {r.count_read:,} / loaded {r.count_loaded:,}"
            f" / quarantined {r.count_quarantined:,}"
        )
        for reason, n in r.by_reason.items():
            print(f"           {reason}: {n:,}")
        if r.message and r.status == "loaded":
            print(f"           note: {r.message}")
    totals = [
        sum(getattr(r, f) for r in results)
        for f in ("count_read", "count_loaded", "count_quarantined")
    ]
    print(
        f"total: {len(results)} file(s), {failed} failed; read {totals[0]:,} / "
        f"loaded {totals[1]:,} / quarantined {totals[2]:,}"
    )
    return 1 if failed else 0


def _cmd_status(args: argparse.Namespace) -> int:
    from etl.load import lake_tables, ledger

    tables = lake_tables()
    if tables.is_empty():
        print("no lake yet: run `postmart demo` or `postmart etl load`")
        return 0
    print("tables (rows in the current snapshot):")
    for name, rows in tables.iter_rows():
        print(f"  {name:<28} {rows:>14,}")
    df = ledger().head(args.limit)
    if df.is_empty():
        print("no loads yet")
        return 0
    print(f"latest {len(df)} load(s), newest first:")
    for row in df.iter_rows(named=True):
        print(
            f"{row['finished_at']:%Y-%m-%d %H:%M:%S}  {row['feed']:<15} {row['file_name']:<32} "
            f"read {row['count_read']:>10,}  loaded {row['count_loaded']:>10,}  "
            f"quarantined {row['count_quarantined']:>8,}  by {row['loaded_by']}  {row['load_id']}"
        )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    etl = sub.add_parser("etl", help="load feed files into the lake; show past loads")
    etl_sub = etl.add_subparsers(dest="etl_command", required=True)
    p = etl_sub.add_parser("load", help="load feed files (folders stand for their files)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--feed", choices=sorted(FEEDS_BY_NAME), help="skip detection by file name")
    p.add_argument("--loaded-by", default="cli", help="who is loading (kept in the ledger)")
    p.set_defaults(func=_cmd_load)
    s = etl_sub.add_parser("status", help="lake tables with row counts, then the latest loads")
    s.add_argument("--limit", type=int, default=20)
    s.set_defaults(func=_cmd_status)
