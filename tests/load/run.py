"""`make loadtest`: real browsers (Playwright driving /usr/bin/chromium) acting as the
users of ``tests/load/scripts.py`` against `postmart serve --replicas N` on 127.0.0.1,
in stages of growing concurrency, bounded in users and time.

It never writes the source data: the ops DB is copied into a run folder (SQLite backup
API), the lake is read where it is. Before serving, it resets the demo accounts'
passwords in the copy and queues ``--pending`` applications for the Chiang Mai officer.

Reports per stage: interactions, interactions per second, p50/p95 click-to-drawn,
errors; and the concurrent users per replica at which p95 first passes 2 s.

    .venv/bin/python -m tests.load.run --source /tmp/demo/data --replicas 2 --stages 1,2
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.load.scripts import NAV_LINKS, USER_SCRIPTS, Recorder, th

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]
P95_LIMIT_S = 2.0
MAX_USERS = 32
MAX_STAGE_S = 300


@dataclass
class Context:
    """What the users of a run share: the applications waiting for a decision."""

    pending: list[str]

    def next_application(self) -> str | None:
        return self.pending.pop() if self.pending else None


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _copy_lake(source: Path, data: Path) -> None:
    """The lake copied into the run folder (so a load during the test writes the copy),
    its catalog pointed at the copied Parquet files."""
    import shutil

    from dashboard.production import backup
    from warehouse.settings import load_settings

    (data / "lake").mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(source / "lake" / "catalog.sqlite")) as src:
        with contextlib.closing(sqlite3.connect(data / "lake" / "catalog.sqlite")) as dst:
            src.backup(dst)
    shutil.copytree(source / "lake" / "files", data / "lake" / "files")
    backup._point_catalog_at(load_settings({"POSTMART_DATA_DIR": str(data)}))


def prepare(
    source: Path, run_dir: Path, pending: int, copy_lake: bool = False
) -> tuple[dict[str, str], dict[str, tuple[str, str]], list[str]]:
    """The run's environment (a copy of the ops DB, the source lake), the accounts by role
    and the applications queued for the officer."""
    data = run_dir / "data"
    data.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(source / "ops.sqlite")) as src:
        with contextlib.closing(sqlite3.connect(data / "ops.sqlite")) as dst:
            src.backup(dst)
    env = {
        **os.environ,
        "POSTMART_DATA_DIR": str(data),
        "POSTMART_LAKE_CATALOG": f"sqlite:{source / 'lake' / 'catalog.sqlite'}",
        "POSTMART_LAKE_DATA_PATH": f"{source / 'lake' / 'files'}/",
    }
    if copy_lake:
        _copy_lake(source, data)
        for name in ("LAKE_CATALOG", "LAKE_DATA_PATH"):
            env.pop(f"POSTMART_{name}")
            os.environ.pop(f"POSTMART_{name}", None)
    for name in ("OPS_DB_URL", "INBOX_DIR"):
        env.pop(f"POSTMART_{name}", None)
    os.environ.update({k: v for k, v in env.items() if k.startswith("POSTMART_")})
    for name in ("OPS_DB_URL", "INBOX_DIR"):
        os.environ.pop(f"POSTMART_{name}", None)

    from dashboard.admin import bootstrap
    from dashboard.identity import auth
    from dashboard.onboarding import imports
    from tests.app.helpers import seed_application
    from warehouse import ops
    from warehouse.settings import load_settings

    made = bootstrap.create_demo_users(load_settings())
    accounts = {role: (u, p) for u, p, role in made}
    # The Chiang Mai officer (the demo has two officers): the applications are theirs.
    accounts["provincial_officer"] = next((u, p) for u, p, _ in made if u == "demo.officer")
    officer_name, officer_password = accounts["provincial_officer"]
    officer = auth.sign_in(officer_name, officer_password, session_id="loadtest")
    base = 900_000 + (int(time.time()) % 50_000) * 10
    ids = [
        imports.create_application(officer, seed_application("50", base + n))["application_id"]
        for n in range(pending)
    ]
    ops.dispose_all()
    return env, accounts, ids


@contextlib.contextmanager
def serving(env: dict[str, str], replicas: int, run_dir: Path) -> Iterator[str]:
    port, first = _free_port(), _free_port()
    log = run_dir / "serve.log"
    command = [
        sys.executable,
        "-m",
        "dashboard.cli",
        "serve",
        "--replicas",
        str(replicas),
        "--port",
        str(port),
        "--replica-port",
        str(first),
        "--run-dir",
        str(run_dir / "serve"),
    ]
    with log.open("w") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    try:
        while "serving http" not in log.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"postmart serve did not start:\n{log.read_text()}")
            time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


async def sign_in(page, url: str, username: str, password: str) -> None:
    await page.goto(url + "/")
    await page.get_by_label(th("auth.username")).fill(username)
    await page.get_by_label(th("auth.password")).fill(password)
    await page.get_by_role("button", name=th("auth.sign_in"), exact=True).click()
    await page.locator(NAV_LINKS).first.wait_for(state="visible", timeout=90_000)


async def signed_in_page(browser, url: str, script, account, rec: Recorder):
    """A browser context of its own, signed in (not timed: the stage measures use)."""
    context = await browser.new_context(locale="th-TH", viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(30_000)
    try:
        await sign_in(page, url, *account)
    except Exception as exc:  # noqa: BLE001 — a failed sign-in is an error of the run
        rec.rows.append((script.name, "sign in", 0.0, type(exc).__name__))
        await context.close()
        return None
    return context, page


async def one_user(page, url, script, rec: Recorder, ctx: Context, until: float) -> None:
    while time.monotonic() < until:
        try:
            await script.run(page, rec, ctx)
        except Exception:  # noqa: BLE001 — recorded; start the round again from a fresh page
            with contextlib.suppress(Exception):
                await page.goto(url + "/")
                await page.locator(NAV_LINKS).first.wait_for(state="visible")


def summary(
    rows: list[tuple[str, str, float, str | None]], seconds: float, users: int, replicas: int
) -> dict:
    ok = sorted(r[2] for r in rows if r[3] is None)
    q = (
        statistics.quantiles(ok, n=20)
        if len(ok) >= 2
        else [ok[0]] * 19
        if ok
        else [float("nan")] * 19
    )
    return {
        "users": users,
        "users_per_replica": users / replicas,
        "seconds": round(seconds, 1),
        "interactions": len(ok),
        "per_second": round(len(ok) / seconds, 2),
        "p50_s": round(statistics.median(ok), 2) if ok else None,
        "p95_s": round(q[18], 2) if ok else None,
        "errors": sum(1 for r in rows if r[3] is not None),
        "error_kinds": sorted({f"{r[0]}: {r[1]}: {r[3]}" for r in rows if r[3] is not None}),
        "by_interaction": {
            name: round(
                statistics.median([r[2] for r in rows if r[1] == name and r[3] is None] or [0]), 2
            )
            for name in sorted({r[1] for r in rows})
        },
    }


async def etl_during(env: dict[str, str], feed: Path, after_s: float) -> dict:
    """`postmart etl load FEED` started ``after_s`` into the stage: readers meet a commit."""
    await asyncio.sleep(after_s)
    started = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "dashboard.cli", "etl", "load", str(feed)),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    return {
        "feed": feed.name,
        "exit": proc.returncode,
        "seconds": round(time.monotonic() - started, 1),
        "last_line": out.decode(errors="replace").strip().splitlines()[-1:],
    }


async def run_stages(
    url: str,
    accounts: dict[str, tuple[str, str]],
    ctx: Context,
    stages: list[int],
    replicas: int,
    stage_s: float,
    env: dict[str, str] | None = None,
    feed: Path | None = None,
) -> list[dict]:
    from playwright.async_api import async_playwright

    results = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for per_replica in stages:
                users = min(per_replica * replicas, MAX_USERS)
                rec = Recorder()
                chosen = [USER_SCRIPTS[n % len(USER_SCRIPTS)] for n in range(users)]
                sessions = await asyncio.gather(
                    *(signed_in_page(browser, url, sc, accounts[sc.role], rec) for sc in chosen)
                )
                # The stage's clock starts when everyone is signed in.
                started = time.monotonic()
                until = started + stage_s
                tasks = [
                    one_user(opened[1], url, sc, rec, ctx, until)
                    for sc, opened in zip(chosen, sessions, strict=True)
                    if opened is not None
                ]
                etl = [etl_during(env, feed, stage_s / 3)] if feed is not None and env else []
                done = await asyncio.wait_for(asyncio.gather(*tasks, *etl), timeout=stage_s + 300)
                stage = summary(rec.rows, time.monotonic() - started, users, replicas)
                if etl:
                    stage["etl_load"] = done[-1]
                for opened in sessions:
                    if opened is not None:
                        await opened[0].close()
                results.append(stage)
                print(json.dumps(stage, ensure_ascii=False), flush=True)
        finally:
            await browser.close()
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="loadtest", description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--source", required=True, help="a demo data dir (lake + ops.sqlite), read only"
    )
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--stages", default="1,2", help="concurrent users per replica, per stage")
    ap.add_argument("--stage-seconds", type=float, default=45.0)
    ap.add_argument("--pending", type=int, default=200, help="applications queued for officers")
    ap.add_argument("--run-dir", default="/tmp/postmart-loadtest")
    ap.add_argument(
        "--etl-during",
        help="a feed file loaded a third into each stage (the lake is then copied first)",
    )
    args = ap.parse_args(argv)
    stages = [int(s) for s in args.stages.split(",") if s]
    if args.stage_seconds > MAX_STAGE_S or any(s * args.replicas > MAX_USERS for s in stages):
        raise SystemExit(f"bounded: at most {MAX_USERS} users and {MAX_STAGE_S} s a stage")
    run_dir = Path(args.run_dir) / time.strftime("%Y%m%d-%H%M%S")
    feed = Path(args.etl_during).resolve() if args.etl_during else None
    env, accounts, pending = prepare(
        Path(args.source).resolve(), run_dir, args.pending, copy_lake=feed is not None
    )
    with serving(env, args.replicas, run_dir) as url:
        results = asyncio.run(
            run_stages(
                url,
                accounts,
                Context(list(reversed(pending))),
                stages,
                args.replicas,
                args.stage_seconds,
                env,
                feed,
            )
        )
    passed = next(
        (s["users_per_replica"] for s in results if (s["p95_s"] or 0) > P95_LIMIT_S), None
    )
    report = {
        "replicas": args.replicas,
        "stages": results,
        "p95_passes_2s_at_users_per_replica": passed,
        "scripts": [s.name for s in USER_SCRIPTS],
    }
    (run_dir / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    where = passed or "not reached in these stages"
    print(f"p95 passes {P95_LIMIT_S:g} s at users per replica: {where}")
    print(f"report: {run_dir / 'report.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
