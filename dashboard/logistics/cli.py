"""`postmart logistics ...`: the working-day calendar, a full recompute of shipment state,
and the national delivery KPIs on the command line (as ``authz.CLI_ACTOR``)."""

from __future__ import annotations

import argparse


def _cmd_holidays(args: argparse.Namespace) -> int:
    from etl.load import refresh_timing
    from etl.reference import write_public_holidays
    from warehouse.lake import connect_writer
    from warehouse.settings import load_settings

    with connect_writer(load_settings()) as con:
        n = write_public_holidays(con)
        con.execute("begin")
        try:
            refresh_timing(con)  # the working days changed: every shipment's due date
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    print(f"ref_public_holiday: {n} holidays (holidays package, Thai calendar)")
    return 0


def _cmd_recompute(args: argparse.Namespace) -> int:
    from etl.load import refresh_shipments
    from warehouse.lake import connect_writer
    from warehouse.settings import load_settings

    with connect_writer(load_settings()) as con:
        con.execute("begin")
        try:
            n = refresh_shipments(con, None)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    print(
        f"fct_shipment: {n:,} shipments recomputed from their labels and events, with the "
        "timing marts"
    )
    return 0


def _cmd_summary(args: argparse.Namespace) -> int:
    import datetime as dt

    from dashboard.identity.user import CLI_ACTOR
    from dashboard.logistics import performance

    f = performance.Filters(
        start=dt.date.fromisoformat(args.start) if args.start else None,
        end=dt.date.fromisoformat(args.end) if args.end else None,
        region=args.region,
        branch=args.branch,
    )
    s = performance.summary(CLI_ACTOR, f)
    print(f"accepted {s.start} … {s.end}, as of {s.as_of}")
    for v in s.values:
        extra = f" ({v.numerator:,} / {v.denominator:,})" if v.denominator is not None else ""
        print(f"  {v.key:<24}{v.value if v.value is not None else '-'}{extra}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("logistics", help="Shipments, working days and delivery KPIs.")
    cmds = p.add_subparsers(dest="logistics_command", required=True)
    h = cmds.add_parser("holidays", help="Write the holidays package's Thai holidays.")
    h.set_defaults(func=_cmd_holidays)
    r = cmds.add_parser(
        "recompute",
        help="Recompute every shipment's state and the timing marts (after editing "
        "ref_cold_chain_range or the holiday tables by hand).",
    )
    r.set_defaults(func=_cmd_recompute)
    s = cmds.add_parser("summary", help="Delivery KPIs (national, or a region or branch).")
    s.add_argument("--start", help="first acceptance day, YYYY-MM-DD")
    s.add_argument("--end", help="last acceptance day, YYYY-MM-DD")
    s.add_argument("--region", help="postal region code, e.g. PR06")
    s.add_argument("--branch", help="branch code")
    s.set_defaults(func=_cmd_summary)
