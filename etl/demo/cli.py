"""`postmart demo --scale tiny|small|medium|large --seed N`."""

from __future__ import annotations

import argparse
import datetime as dt


def _cmd_demo(args: argparse.Namespace) -> int:
    from etl.demo.build import build_demo
    from warehouse.settings import load_settings

    end = dt.date.fromisoformat(args.end) if args.end else None
    summary = build_demo(load_settings(), scale=args.scale, seed=args.seed, end=end)
    print(summary.text())
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    from etl.demo.build import SCALES

    p = sub.add_parser("demo", help="replace the lake with a generated demo programme")
    p.add_argument("--scale", choices=list(SCALES), default="small", help="size (default small)")
    p.add_argument("--seed", type=int, default=1, help="random seed; same seed, same lake")
    p.add_argument("--end", help="last day of data, YYYY-MM-DD (default today)")
    p.set_defaults(func=_cmd_demo)
