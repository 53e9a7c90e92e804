"""`postmart recon …`: the reconciliation engine from the command line (as the system)."""

from __future__ import annotations

import argparse
import datetime as dt

from etl.cli import CommandError
from warehouse.settings import Settings


def _cmd_run(args: argparse.Namespace) -> int:
    from dashboard.identity.user import CLI_ACTOR
    from dashboard.payments import recon

    try:
        as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
    except ValueError:
        raise CommandError(f"--as-of {args.as_of!r} is not a date (YYYY-MM-DD)") from None
    print(recon.run(CLI_ACTOR, as_of=as_of, full=args.full).text())
    return 0


def _cmd_marts(args: argparse.Namespace) -> int:
    import time

    from etl.load import refresh_payment_marts
    from warehouse.lake import connect_writer

    t0 = time.monotonic()
    with connect_writer() as con:
        con.execute("begin")
        refresh_payment_marts(con, None)
        con.execute("commit")
    print(f"payments marts rebuilt from the facts in {time.monotonic() - t0:.1f} s")
    return 0


def after_load() -> None:
    """`postmart etl load` then reconciles (the loads it made are in the lake already)."""
    from dashboard.identity.user import CLI_ACTOR
    from dashboard.payments.after_load import after_load as reconcile_after_load

    result = reconcile_after_load(CLI_ACTOR, None)
    if result is not None:
        print(result.text())


def after_demo(settings: Settings) -> None:
    from dashboard.identity.user import CLI_ACTOR
    from dashboard.payments import payout_bank, recon

    print(recon.run(CLI_ACTOR, settings=settings).text())
    returned = payout_bank.apply_returns(CLI_ACTOR, settings=settings)
    print(f"payouts the bank returned, held back on their sellers: {returned}")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("recon", help="reconcile the money rails; keep the exception queue")
    recon_sub = p.add_subparsers(dest="recon_command", required=True)
    r = recon_sub.add_parser("run", help="find every break and bring the cases in step")
    r.add_argument("--as-of", help="the day to reconcile as of (default: newest payment day)")
    r.add_argument(
        "--full",
        action="store_true",
        help="re-examine every day (default: only the days changed since the last run)",
    )
    r.set_defaults(func=_cmd_run)
    m = recon_sub.add_parser(
        "marts", help="rebuild the payments pages' marts from the facts (after an upgrade)"
    )
    m.set_defaults(func=_cmd_marts)
