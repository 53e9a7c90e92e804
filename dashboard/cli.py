"""The `postmart` command line: the composition root that sees every layer.

It registers the ETL's commands (``etl.cli``) and the app's (accounts and audit in
``admin.cli``, onboarding in ``onboarding.cli``), and `postmart demo`, which builds the
demo lake (``etl.demo``) and then seeds the ops DB as an operator would after a first load.

Bad input ends any command with one line naming the problem and exit status 2: a
refusal of the services (``AppError``, in English) or a command's own ``CommandError``. A
lake that is missing or busy (``LakeError``) is one line and exit status 1, as a failed
load is. Anything else is a bug and shows its traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from dashboard import i18n
from dashboard.admin import bootstrap
from dashboard.admin import cli as admin_cli
from dashboard.errors import AppError
from dashboard.impact import cli as impact_cli
from dashboard.logistics import cli as logistics_cli
from dashboard.onboarding import cli as onboarding_cli
from dashboard.payments import cli as payments_cli
from dashboard.production import cli as production_cli
from etl import cli as etl_cli
from etl.cli import CommandError
from warehouse.lake import LakeError
from warehouse.settings import Settings, load_settings

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1


def _populate_ops(settings: Settings) -> None:
    """Demo accounts, and the demo applications and listings brought into the review queues."""
    from dashboard.identity.user import CLI_ACTOR
    from dashboard.onboarding import imports, listing_import

    apps = imports.import_from_lake(CLI_ACTOR)
    items = listing_import.import_from_lake(CLI_ACTOR)
    print(
        f"Review queues: {apps.inserted} applications and {items.inserted} listings "
        "brought in from the lake"
    )
    # impact: the seller master is the ops DB's; the demo's suspensions go there too.
    from dashboard.impact import demo_ops

    print(f"Suspended sellers: {demo_ops.suspend_demo_sellers(CLI_ACTOR)}")
    impact_cli.sync_and_print()
    admin_cli.print_demo_users(bootstrap.create_demo_users(settings))
    payments_cli.after_demo(settings)  # payments (issue 9): the exception queue filled


def _cmd_demo(args: argparse.Namespace) -> int:
    from etl.demo import build_demo

    try:
        end = dt.date.fromisoformat(args.end) if args.end else None
    except ValueError:
        raise CommandError(f"--end {args.end!r} is not a date (YYYY-MM-DD)") from None
    settings = load_settings()
    summary = build_demo(settings, scale=args.scale, seed=args.seed, end=end)
    print(summary.text())
    _populate_ops(settings)
    return 0


def _register_demo(sub: argparse._SubParsersAction) -> None:
    from etl.demo import SCALES

    p = sub.add_parser("demo", help="replace the lake with a generated demo programme")
    p.add_argument("--scale", choices=list(SCALES), default="small", help="size (default small)")
    p.add_argument("--seed", type=int, default=1, help="random seed; same seed, same lake")
    p.add_argument("--end", help="last day of data, YYYY-MM-DD (default today)")
    p.set_defaults(func=_cmd_demo)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="postmart", description="Postmart Admin command line")
    sub = p.add_subparsers(dest="command", required=True)
    etl_cli.register(sub)
    _register_demo(sub)
    admin_cli.register(sub)
    onboarding_cli.register(sub)
    production_cli.register(sub)  # production mode
    payments_cli.register(sub)  # payments (issue 9)
    logistics_cli.register(sub)  # logistics
    impact_cli.register(sub)
    return p


def _one_line(message: str, status: int) -> int:
    print(f"postmart: {message}", file=sys.stderr)
    return status


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status = args.func(args) or 0
        if args.command == "etl" and getattr(args, "etl_command", None) == "load":
            payments_cli.after_load()  # payments (issue 9): reconcile after every load
        return status
    except AppError as exc:
        return _one_line(i18n.translate(exc.key, "en", **exc.params), EXIT_BAD_INPUT)
    except CommandError as exc:
        return _one_line(str(exc), EXIT_BAD_INPUT)
    except LakeError as exc:
        return _one_line(str(exc), EXIT_FAILED)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `postmart sql ... | head` closed the pipe: not an error for the person reading.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
