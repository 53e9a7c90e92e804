"""`make loadtest`: real browsers (Playwright driving /usr/bin/chromium) acting as the
users of ``tests/load/scripts.py`` against `postmart serve --replicas N` on 127.0.0.1,
in stages of growing concurrency, bounded in users and time, while an ETL load commits.

It never writes the source data: the ops DB and the lake (catalog and Parquet files) are
copied into a run folder, and every write of the run (decisions, case comments, pinned
briefings, the ETL load) goes to the copy. Before serving, it resets the demo accounts'
passwords in the copy and queues ``--pending`` applications for the Chiang Mai officer.
A third into each stage, one real feed file (the next of ``--etl-during``, by default the
demo's held-back feed files) is loaded with `postmart etl load`.

Reports per stage: interactions, interactions per second, p50/p95 click-to-drawn,
errors by kind, the machine's load averages; and the concurrent users per replica at
which p95 first passes 2 s (the stages stop after that one).

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
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.load.scripts import NAV_LINKS, USER_SCRIPTS, Recorder, idle, th

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
    branches: list[str]  # the branch manager's busiest branches (each on the map)

    def next_application(self) -> str | None:
        return self.pending.pop() if self.pending else None


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _read_only(path: Path) -> sqlite3.Connection:
    """The source's SQLite file opened read-only: closing it must not checkpoint its WAL
    into the source (the source is never written)."""
    if not path.is_file():
        raise SystemExit(f"loadtest: no {path} (a demo data dir is needed)")
    wal = path.with_name(path.name + "-wal")
    # immutable: not even SQLite's -shm/-wal side files are made beside the source; only
    # when a WAL holds changes not yet in the file is it read through them (mode=ro).
    live = wal.exists() and wal.stat().st_size > 0
    return sqlite3.connect(f"file:{path}?mode=ro{'' if live else '&immutable=1'}", uri=True)


def _copy_lake(source: Path, data: Path) -> None:
    """The lake copied into the run folder (so a load during the test writes the copy),
    its catalog pointed at the copied Parquet files."""
    import shutil

    from dashboard.production import backup
    from warehouse.settings import load_settings

    (data / "lake").mkdir(parents=True, exist_ok=True)
    with contextlib.closing(_read_only(source / "lake" / "catalog.sqlite")) as src:
        with contextlib.closing(sqlite3.connect(data / "lake" / "catalog.sqlite")) as dst:
            src.backup(dst)
    shutil.copytree(source / "lake" / "files", data / "lake" / "files")
    backup._point_catalog_at(load_settings({"POSTMART_DATA_DIR": str(data)}))


def prepare(
    source: Path, run_dir: Path, pending: int, postgres: str | None = None
) -> tuple[dict[str, str], dict[str, tuple[str, str]], list[str]]:
    """The run's environment (copies of the ops DB and the lake; moved into PostgreSQL on
    the server ``postgres`` when given), the accounts by role and the applications queued
    for the officer."""
    data = run_dir / "data"
    data.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(_read_only(source / "ops.sqlite")) as src:
        with contextlib.closing(sqlite3.connect(data / "ops.sqlite")) as dst:
            src.backup(dst)
    env = {**os.environ, "POSTMART_DATA_DIR": str(data)}
    _copy_lake(source, data)
    # The run's own data dir only: no setting may point at the source (or elsewhere).
    for name in ("OPS_DB_URL", "INBOX_DIR", "LAKE_CATALOG", "LAKE_DATA_PATH"):
        env.pop(f"POSTMART_{name}", None)
        os.environ.pop(f"POSTMART_{name}", None)
    if postgres:
        from tests.load.pg import move_to_postgres

        env.update(move_to_postgres(data, postgres, run_dir.name.replace("-", "_")))
    os.environ.update({k: v for k, v in env.items() if k.startswith("POSTMART_")})

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


# demo.branch manages this postal region (dashboard/admin/bootstrap.py).
BRANCH_REGION = "PR06"


def busy_branches(region: str = BRANCH_REGION, n: int = 5) -> list[str]:
    """The region's ``n`` busiest origin branches in the run's lake: each is a point on the
    network map, so the map narrowed to it is centred on a clickable branch."""
    from warehouse.lake import connect_reader
    from warehouse.settings import load_settings

    con = connect_reader(load_settings())
    try:
        rows = con.execute(
            "select s.origin_branch_code from fct_shipment s "
            "join dim_branch b on b.branch_code = s.origin_branch_code "
            "where b.postal_region_code = ? group by 1 order by count(*) desc, 1 limit ?",
            [region, n],
        ).fetchall()
    finally:
        con.close()
    if not rows:
        raise SystemExit(f"loadtest: no shipments from region {region} in the source lake")
    return [r[0] for r in rows]


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
    await idle(page)  # the home page drawn: the stage's first click starts from a quiet tab


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


async def one_user(
    page, url, script, rec: Recorder, ctx: Context, until: float, evidence: Path | None = None
) -> None:
    while time.monotonic() < until:
        try:
            await script.run(page, rec, ctx)
        except Exception as exc:  # noqa: BLE001 — recorded; start again from a fresh page
            if evidence is not None:
                with contextlib.suppress(Exception):
                    await keep_evidence(page, evidence, script.name, exc)
            with contextlib.suppress(Exception):
                await page.goto(url + "/")
                await page.locator(NAV_LINKS).first.wait_for(state="visible")


async def keep_evidence(page, folder: Path, script: str, exc: Exception) -> None:
    """What the user saw when an interaction failed: a screenshot, the page's URL and
    messages and the error, so an error in the report can be explained."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"{time.strftime('%H%M%S')}-{script}-{id(page) % 10_000}"
    await page.screenshot(path=str(stem.with_suffix(".png")), full_page=True)
    shown = page.locator('[data-testid="stAlert"], [data-testid="stException"]')
    alerts = await shown.all_inner_texts()
    stem.with_suffix(".txt").write_text(
        f"{page.url}\n{type(exc).__name__}: {exc}\n\n" + "\n---\n".join(alerts),
        encoding="utf-8",
    )


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
        "errors_by_kind": dict(
            sorted(Counter(f"{r[0]}: {r[1]}: {r[3]}" for r in rows if r[3] is not None).items())
        ),
        "by_interaction": {
            f"{script}: {name}": _quantiles(
                [r[2] for r in rows if (r[0], r[1]) == (script, name) and r[3] is None]
            )
            for script, name in sorted({(r[0], r[1]) for r in rows})
        },
    }


def _quantiles(times: list[float]) -> dict:
    """Count, p50 and p95 (seconds) of one interaction's successful times."""
    if not times:
        return {"n": 0}
    ordered = sorted(times)
    p95 = statistics.quantiles(ordered, n=20)[18] if len(ordered) >= 2 else ordered[0]
    return {"n": len(ordered), "p50": round(statistics.median(ordered), 2), "p95": round(p95, 2)}


def load_averages() -> list[float]:
    """The machine's 1, 5 and 15 minute load averages (what `uptime` prints)."""
    return [round(x, 2) for x in os.getloadavg()]


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
        "last_lines": out.decode(errors="replace").strip().splitlines()[-6:],
    }


async def run_stages(
    url: str,
    accounts: dict[str, tuple[str, str]],
    ctx: Context,
    stages: list[int],
    replicas: int,
    stage_s: float,
    env: dict[str, str] | None = None,
    feeds: list[Path] | None = None,
    stop_after_pass: bool = True,
    evidence: Path | None = None,
) -> list[dict]:
    from playwright.async_api import async_playwright

    results = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            feeds = list(feeds or [])
            for per_replica in stages:
                users = min(max(1, round(per_replica * replicas)), MAX_USERS)
                feed = feeds.pop(0) if feeds else None
                rec = Recorder()
                chosen = [USER_SCRIPTS[n % len(USER_SCRIPTS)] for n in range(users)]
                sessions = await asyncio.gather(
                    *(signed_in_page(browser, url, sc, accounts[sc.role], rec) for sc in chosen)
                )
                # The stage's clock starts when everyone is signed in.
                started = time.monotonic()
                until = started + stage_s
                load_before = load_averages()
                tasks = [
                    one_user(opened[1], url, sc, rec, ctx, until, evidence)
                    for sc, opened in zip(chosen, sessions, strict=True)
                    if opened is not None
                ]
                etl = [etl_during(env, feed, stage_s / 3)] if feed is not None and env else []
                done = await asyncio.wait_for(asyncio.gather(*tasks, *etl), timeout=stage_s + 300)
                stage = summary(rec.rows, time.monotonic() - started, users, replicas)
                stage["signed_in"] = sum(1 for opened in sessions if opened is not None)
                stage["load_average_start"] = load_before
                stage["load_average_end"] = load_averages()
                if etl:
                    stage["etl_load"] = done[-1]
                for opened in sessions:
                    if opened is not None:
                        await opened[0].close()
                results.append(stage)
                print(json.dumps(stage, ensure_ascii=False), flush=True)
                if stop_after_pass and (stage["p95_s"] or 0) > P95_LIMIT_S:
                    break
        finally:
            await browser.close()
    return results


# The demo's held-back day, loaded one file a stage, in the order a day's feeds arrive.
DEMO_FEEDS = (
    "orders_part1.csv",
    "shipments.csv",
    "track_th.json",
    "gateway_payments_20261207.csv",
    "order_items_part1.csv",
    "tracking_events.jsonl",
)


def feed_files(source: Path, given: list[str] | None, run_dir: Path) -> list[Path]:
    """The feed files loaded during the stages, copied into the run folder first (a load
    never reads the source's inbox while it runs). Without ``given``: the source's demo
    inbox, in ``DEMO_FEEDS`` order."""
    import shutil

    if given:
        files = [Path(g).resolve() for g in given]
    else:
        inbox = source / "inbox" / "demo"
        files = [inbox / name for name in DEMO_FEEDS if (inbox / name).is_file()]
        if not files:  # a demo of another day: its feed files in name order
            files = sorted(f for f in inbox.glob("*.*") if f.is_file())
    (run_dir / "feeds").mkdir(parents=True, exist_ok=True)
    copied = []
    for f in files:
        if not f.is_file():
            raise SystemExit(f"loadtest: no feed file {f}")
        copied.append(Path(shutil.copy2(f, run_dir / "feeds" / f.name)))
    return copied


def table(results: list[dict]) -> str:
    """The stages as a Markdown table (printed at the end and written beside the JSON)."""
    lines = [
        "| users/replica | users | interactions | per s | p50 s | p95 s | errors "
        "| load avg (start → end) | ETL load |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in results:
        etl = s.get("etl_load") or {}
        load = f"{s['load_average_start'][0]} → {s['load_average_end'][0]}"
        lines.append(
            f"| {s['users_per_replica']:g} | {s['users']} | {s['interactions']} | "
            f"{s['per_second']} | {s['p50_s']} | {s['p95_s']} | {s['errors']} | {load} | "
            f"{etl.get('feed', '—')} exit {etl.get('exit', '—')} in {etl.get('seconds', '—')} s |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="loadtest", description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--source", required=True, help="a demo data dir (lake + ops.sqlite), only read"
    )
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument(
        "--stages",
        default="1,2",
        help="concurrent users per replica, per stage (2.5 with 2 replicas: 5 users, "
        "one of each script)",
    )
    ap.add_argument("--stage-seconds", type=float, default=45.0)
    ap.add_argument("--pending", type=int, default=200, help="applications queued for officers")
    ap.add_argument("--run-dir", default="/tmp/postmart-loadtest")
    ap.add_argument(
        "--etl-during",
        nargs="*",
        help="feed files, one loaded a third into each stage "
        "(default: the source's inbox/demo feeds; none given: no load)",
    )
    ap.add_argument(
        "--postgres",
        metavar="URL",
        help="a PostgreSQL server (e.g. postgresql://postgres@127.0.0.1:5432/postgres): the "
        "copy's ops DB and lake catalog are moved into two new databases on it",
    )
    ap.add_argument(
        "--all-stages",
        action="store_true",
        help="run every stage (default: stop after the first whose p95 passes 2 s)",
    )
    args = ap.parse_args(argv)

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(f"loadtest: stopped by signal {signum}")  # replicas stopped below

    signal.signal(signal.SIGTERM, stop)
    stages = [float(s) for s in args.stages.split(",") if s]
    if args.stage_seconds > MAX_STAGE_S or any(s * args.replicas > MAX_USERS for s in stages):
        raise SystemExit(f"bounded: at most {MAX_USERS} users and {MAX_STAGE_S} s a stage")
    source = Path(args.source).resolve()
    run_dir = Path(args.run_dir) / time.strftime("%Y%m%d-%H%M%S")
    feeds = [] if args.etl_during == [] else feed_files(source, args.etl_during, run_dir)
    print(f"loadtest: copying {source} into {run_dir}", flush=True)
    env, accounts, pending = prepare(source, run_dir, args.pending, args.postgres)
    with serving(env, args.replicas, run_dir) as url:
        results = asyncio.run(
            run_stages(
                url,
                accounts,
                Context(list(reversed(pending)), busy_branches()),
                stages,
                args.replicas,
                args.stage_seconds,
                env,
                feeds,
                stop_after_pass=not args.all_stages,
                evidence=run_dir / "errors",
            )
        )
    passed = next(
        (s["users_per_replica"] for s in results if (s["p95_s"] or 0) > P95_LIMIT_S), None
    )
    report = {
        "replicas": args.replicas,
        "source": str(source),
        "postgres": bool(args.postgres),
        "stages": results,
        "p95_passes_2s_at_users_per_replica": passed,
        "scripts": [s.name for s in USER_SCRIPTS],
    }
    (run_dir / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    (run_dir / "report.md").write_text(table(results) + "\n")
    print(table(results))
    where = passed or "not reached in these stages"
    print(f"p95 passes {P95_LIMIT_S:g} s at users per replica: {where}")
    print(f"report: {run_dir / 'report.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
