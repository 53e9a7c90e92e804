"""`postmart export decisions` and `postmart onboarding import-feed`.

Both act as ``authz.CLI_ACTOR`` (whoever runs them already holds the DB): the export
covers every province, the import copies the marketplace's applications and listings
from the lake into moderation. Each run is audited under the name "cli".
"""

from __future__ import annotations

import argparse
from datetime import datetime


def _parse_time(text: str) -> datetime:
    """ISO date or date-time, Bangkok local time (e.g. 2025-11-01 or 2025-11-01T08:00)."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date or time: {text!r}") from None


def _cmd_export_decisions(args: argparse.Namespace) -> int:
    from pathlib import Path

    from dashboard.identity import audit
    from dashboard.identity.user import CLI_ACTOR
    from dashboard.onboarding import exports

    paths = exports.write_decisions(CLI_ACTOR, args.since, Path(args.out))
    audit.record(
        actor=CLI_ACTOR,
        action="onboarding.export.decisions",
        entity="ob_decisions",
        entity_id=None,
        before=None,
        after={"since": args.since.isoformat(sep=" "), "files": [p.name for p in paths]},
        session_id=None,
    )
    for p in paths:
        print(p)
    return 0


def _cmd_import_feed(args: argparse.Namespace) -> int:
    from dashboard.identity.user import CLI_ACTOR
    from dashboard.onboarding import imports, listing_import

    apps = imports.import_from_lake(CLI_ACTOR)
    lst = listing_import.import_from_lake(CLI_ACTOR)
    print(
        f"applications: {apps.inserted} new, {apps.resubmitted} resubmitted, "
        f"{apps.unchanged} unchanged"
    )
    print(
        f"listings: {lst.inserted} new, {lst.new_versions} new versions, {lst.unchanged} unchanged"
    )
    # impact: sellers the marketplace approved reach the lake's seller master.
    from dashboard.impact import cli as impact_cli

    impact_cli.sync_and_print()
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="write files for the marketplace to pick up")
    export_sub = p.add_subparsers(dest="export_command", required=True)
    d = export_sub.add_parser(
        "decisions", help="application and listing decisions since a time, as CSV and JSON"
    )
    d.add_argument(
        "--since", type=_parse_time, required=True, help="ISO date or date-time, Bangkok local time"
    )
    d.add_argument("--out", required=True, help="folder to write into (created if missing)")
    d.set_defaults(func=_cmd_export_decisions)

    p = sub.add_parser("onboarding", help="seller onboarding and listing moderation")
    ob_sub = p.add_subparsers(dest="onboarding_command", required=True)
    i = ob_sub.add_parser(
        "import-feed", help="copy the lake's applications and listings into review"
    )
    i.set_defaults(func=_cmd_import_feed)
