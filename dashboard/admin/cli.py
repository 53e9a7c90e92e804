"""`postmart users ...` and `postmart audit verify` (registered by ``dashboard.cli``).

The command line acts as the system actor "cli" (``authz.CLI_ACTOR``): whoever can run it
already holds the ops DB. Every change it makes is audited under that name.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from dashboard.admin import accounts, bootstrap
from dashboard.identity import audit, authz
from warehouse.ops_schema import LANGUAGES, ROLES

Command = Callable[[argparse.Namespace], int]


def _table(rows: list[tuple], header: tuple[str, ...]) -> str:
    cells = [tuple("" if v is None else str(v) for v in row) for row in [header, *rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cmd_add(args: argparse.Namespace) -> int:

    user, password = accounts.create_user(
        authz.CLI_ACTOR,
        username=args.username,
        display_name=args.name or args.username,
        role=args.role,
        province_codes=args.province or (),
        branch_code=args.branch,
        postal_region_code=args.postal_region,
        language=args.language,
        sso_identity=args.sso_identity,
    )
    print(f"created {user.username} ({user.role})")
    print(f"one-time password: {password}")
    print("(shown once; the user is asked to change it after signing in)")
    return 0


def _scope_text(row: dict) -> str:
    if row["province_codes"]:
        return "provinces " + ",".join(row["province_codes"])
    if row["branch_code"]:
        return f"branch {row['branch_code']}"
    if row["postal_region_code"]:
        return f"region {row['postal_region_code']}"
    return "national"


def _cmd_list(args: argparse.Namespace) -> int:

    df = accounts.list_users(authz.CLI_ACTOR)
    rows = [
        (
            r["username"],
            r["role"],
            _scope_text(r),
            "active" if r["is_active"] else "disabled",
            str(r["count_failed_sign_ins"] or ""),
            r["last_sign_in_at"].strftime("%Y-%m-%d %H:%M UTC") if r["last_sign_in_at"] else "",
            r["display_name"],
        )
        for r in df.iter_rows(named=True)
    ]
    header = ("username", "role", "scope", "status", "failed", "last sign-in", "name")
    print(_table(rows, header))
    return 0


def _cmd_set_active(args: argparse.Namespace) -> int:

    user = accounts.get_user(authz.CLI_ACTOR, args.username)
    accounts.set_active(authz.CLI_ACTOR, user.user_id, args.active)
    print(f"{user.username} {'enabled' if args.active else 'disabled'}")
    return 0


def _cmd_reset(args: argparse.Namespace) -> int:

    user = accounts.get_user(authz.CLI_ACTOR, args.username)
    password = accounts.reset_password(authz.CLI_ACTOR, user.user_id)
    print(f"new one-time password for {user.username}: {password}")
    return 0


def _cmd_ensure_admin(args: argparse.Namespace) -> int:

    password = bootstrap.ensure_admin()
    if password is not None:
        print("No account existed, so one was created:")
        print("  username: admin")
        print(f"  one-time password: {password}")
        print("  (shown once; change it after signing in)")
    return 0


def print_demo_users(credentials: list[tuple[str, str, str]]) -> None:
    print("Demo accounts (passwords are new each time this runs):")
    print(_table(credentials, ("username", "password", "role")))


def _cmd_demo(args: argparse.Namespace) -> int:

    print_demo_users(bootstrap.create_demo_users())
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:

    result = audit.verify()
    if result.ok:
        print(f"OK: {result.checked} entries (head {result.head_hash})")
        return 0
    print(f"FAILED at entry {result.bad_entry_id}: {result.reason}", file=sys.stderr)
    print(f"({result.checked} entries before it are intact)", file=sys.stderr)
    return 1


def register(sub: argparse._SubParsersAction) -> None:
    users = sub.add_parser("users", help="manage accounts of the app").add_subparsers(
        dest="users_command", required=True
    )
    p = users.add_parser("add", help="create an account and print its one-time password")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--name", help="display name (default: the username)")
    p.add_argument("--province", action="append", help="province code; repeat for several")
    p.add_argument("--branch", help="branch code (branch managers)")
    p.add_argument("--postal-region", help="postal region code such as PR06 (branch managers)")
    p.add_argument("--language", choices=LANGUAGES, default="th")
    p.add_argument("--sso-identity", help="e-mail or subject the identity provider sends")
    p.set_defaults(func=_cmd_add)

    p = users.add_parser("list", help="list accounts")
    p.set_defaults(func=_cmd_list)

    for name, active in (("disable", False), ("enable", True)):
        p = users.add_parser(name, help=f"{name} an account")
        p.add_argument("username")
        p.set_defaults(func=_cmd_set_active, active=active)

    p = users.add_parser(
        "reset-password", help="print a new one-time password; ends the account's sessions"
    )
    p.add_argument("username")
    p.set_defaults(func=_cmd_reset)

    p = users.add_parser("ensure-admin", help="create 'admin' when no account exists yet")
    p.set_defaults(func=_cmd_ensure_admin)

    p = users.add_parser("demo", help="create or reset one demo account per role")
    p.set_defaults(func=_cmd_demo)

    audit = sub.add_parser("audit", help="the audit log").add_subparsers(
        dest="audit_command", required=True
    )
    p = audit.add_parser("verify", help="check the audit log's hash chain")
    p.set_defaults(func=_cmd_verify)
