"""`postmart sync sellers` (the lake's seller master from the ops DB's approvals) and
`postmart impact figures` (the programme KPIs of a period and area, as CSV).

Both act as ``CLI_ACTOR``. The sync is audited when anything changed; run it after
`postmart etl load` (the Data loads page and `postmart onboarding import-feed` run it
themselves). The figures are an export: small numbers are withheld at every level.
"""

from __future__ import annotations

import argparse


def sync_and_print() -> int:
    from dashboard.identity.user import CLI_ACTOR
    from dashboard.impact import seller_master

    r = seller_master.sync_sellers(CLI_ACTOR)
    print(
        f"sellers: {r.inserted:,} new, {r.updated:,} updated, {r.unchanged:,} unchanged"
        + (f" (load {r.load_id})" if r.load_id else "")
    )
    return 0


def _cmd_sync_sellers(args: argparse.Namespace) -> int:
    return sync_and_print()


def _cmd_figures(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from dashboard import export
    from dashboard.identity.user import CLI_ACTOR
    from dashboard.impact import figures

    view = figures.impact_view(CLI_ACTOR, args.period, region=args.region, province=args.province)
    data = export.csv_bytes(view.export_frame(args.lang))
    if args.out:
        Path(args.out).write_bytes(data)
        print(args.out)
    else:
        sys.stdout.buffer.write(data)
    return 0


def _cmd_expire(args: argparse.Namespace) -> int:
    from dashboard.identity.user import CLI_ACTOR
    from dashboard.impact import expire

    done = expire.expire_snapshots(CLI_ACTOR, expire.parse_age(args.older_than))
    print(
        f"expired {len(done.expired):,} snapshot(s); kept {len(done.kept_pinned):,} pinned by "
        "a briefing" + (f": {', '.join(map(str, done.kept_pinned))}" if done.kept_pinned else "")
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sync", help="bring the lake's masters up to date with the ops DB")
    sync_sub = p.add_subparsers(dest="sync_command", required=True)
    s = sync_sub.add_parser(
        "sellers",
        help="write approved, suspended and reinstated sellers to the lake's dim_seller",
    )
    s.set_defaults(func=_cmd_sync_sellers)

    p = sub.add_parser("impact", help="programme figures")
    impact_sub = p.add_subparsers(dest="impact_command", required=True)
    f = impact_sub.add_parser(
        "figures", help="every KPI per area for a period, as CSV (small numbers withheld)"
    )
    f.add_argument(
        "--period",
        default="this_fiscal_year",
        help="this_fiscal_year, last_quarter, …, fy2569, y2026, q2026-1, m2026-01",
    )
    f.add_argument("--region", help="a region code: its provinces")
    f.add_argument("--province", help="a province code: its districts")
    f.add_argument("--lang", choices=["th", "en"], default="th")
    f.add_argument("--out", help="file to write (default: standard output)")
    f.set_defaults(func=_cmd_figures)

    p = sub.add_parser("lake", help="lake housekeeping")
    lake_sub = p.add_subparsers(dest="lake_command", required=True)
    e = lake_sub.add_parser(
        "expire",
        help="drop snapshots older than an age (never one a briefing is pinned to) and "
        "the files only they needed",
    )
    e.add_argument("--older-than", required=True, help="an age: 30d, 12h, 2w")
    e.set_defaults(func=_cmd_expire)
