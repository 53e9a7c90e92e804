"""`postmart serve`: the production mode's command (docs/deploy.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from dashboard.production import serve as serving
from etl.cli import CommandError
from warehouse import ops
from warehouse.settings import load_settings


def _cmd_serve(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        layout = serving.layout_for(
            settings,
            args.replicas,
            port=args.port,
            first_replica_port=args.replica_port,
            host=args.host,
            run_dir=Path(args.run_dir) if args.run_dir else None,
        )
        secret = serving.cookie_secret(settings.cookie_secret_file)
    except serving.ServeError as exc:
        raise CommandError(str(exc)) from None
    # Once, before the replicas start, rather than N replicas racing to migrate.
    ops.engine(settings)
    ops.dispose_all()
    supervisor = serving.Supervisor(layout, secret)
    try:
        supervisor.start()
        print(
            f"serving {layout.url} — {len(layout.replica_ports)} replica(s) on ports "
            f"{', '.join(map(str, layout.replica_ports))}; run folder {layout.run_dir}",
            flush=True,
        )
        supervisor.run_forever()
    except serving.ServeError as exc:
        raise CommandError(str(exc)) from None
    finally:
        supervisor.stop()
    return 0


def _cmd_backup(args: argparse.Namespace) -> int:
    from dashboard.production import backup as backups

    try:
        manifest = backups.backup(load_settings(), Path(args.dest).resolve())
    except backups.BackupError as exc:
        raise CommandError(str(exc)) from None
    print(
        f"backed up lake snapshot {manifest.snapshot_id} ({manifest.count_files} Parquet "
        f"files), its catalog ({manifest.catalog_kind}) and the ops DB ({manifest.ops_kind}) "
        f"to {args.dest}"
    )
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from dashboard.production import backup as backups

    try:
        manifest = backups.restore(load_settings(), Path(args.source).resolve())
    except backups.BackupError as exc:
        raise CommandError(str(exc)) from None
    print(
        f"restored lake snapshot {manifest.snapshot_id} of {manifest.created_at} and the ops "
        "DB; check the audit chain with `postmart audit verify`"
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve", help="serve the app as N Streamlit replicas behind nginx (docs/deploy.md)"
    )
    p.add_argument("--replicas", type=int, default=2, help="Streamlit processes (default 2)")
    p.add_argument("--host", default="127.0.0.1", help="nginx's address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="nginx's port (default 8080)")
    p.add_argument(
        "--replica-port",
        type=int,
        default=8601,
        help="first replica's port; the others follow (default 8601)",
    )
    p.add_argument("--run-dir", help="nginx config, pid and logs (default <DATA_DIR>/run)")
    p.set_defaults(func=_cmd_serve)

    p = sub.add_parser(
        "backup", help="copy the ops DB, the lake catalog and its Parquet files (one snapshot)"
    )
    p.add_argument("dest", help="a new (or empty) folder")
    p.set_defaults(func=_cmd_backup)

    p = sub.add_parser("restore", help="restore a `postmart backup` folder into an empty place")
    p.add_argument("source", help="the backup folder")
    p.set_defaults(func=_cmd_restore)
