"""`postmart demo --scale tiny|small|medium|large --seed N`."""

from __future__ import annotations

import argparse
import datetime as dt

from warehouse.settings import Settings


def _cmd_demo(args: argparse.Namespace) -> int:
    from etl.demo.build import build_demo
    from warehouse.settings import load_settings

    end = dt.date.fromisoformat(args.end) if args.end else None
    settings = load_settings()
    summary = build_demo(settings, scale=args.scale, seed=args.seed, end=end)
    print(summary.text())
    _populate_ops(settings)
    return 0


def _populate_ops(settings: Settings) -> None:
    """Demo accounts, and the demo applications and listings brought into the review queues.

    The account and onboarding services live in `dashboard` (the ops DB side); the demo
    only calls them, as an operator would after a real first load.
    """
    from dashboard import accounts, authz
    from dashboard.cli import print_demo_users
    from dashboard.onboarding import imports, listings

    apps = imports.import_from_lake(authz.CLI_ACTOR)
    items = listings.import_from_lake(authz.CLI_ACTOR)
    print(
        f"Review queues: {apps.inserted} applications and {items.inserted} listings "
        "brought in from the lake"
    )
    print_demo_users(accounts.create_demo_users(settings))


def register(sub: argparse._SubParsersAction) -> None:
    from etl.demo.build import SCALES

    p = sub.add_parser("demo", help="replace the lake with a generated demo programme")
    p.add_argument("--scale", choices=list(SCALES), default="small", help="size (default small)")
    p.add_argument("--seed", type=int, default=1, help="random seed; same seed, same lake")
    p.add_argument("--end", help="last day of data, YYYY-MM-DD (default today)")
    p.set_defaults(func=_cmd_demo)
