"""What the browser suites share: Debian's Chromium driven by Playwright against
``streamlit run``, the servers' environment and data, and helpers for Streamlit's tables.

Never ``playwright install``: the browser is the system's /usr/bin/chromium. Without it the
tests skip loudly, unless POSTMART_REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from warehouse import ops

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
SERVER_START_TIMEOUT_S = 60
LOCKED_USER = "browser.lockme"


@dataclass(frozen=True)
class Server:
    url: str
    accounts: dict[str, tuple[str, str]]  # role -> (username, password); plus LOCKED_USER
    log: Path
    env: dict[str, str]


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = (
        f"BROWSER TESTS SKIPPED: {CHROMIUM} is missing (apt-get install -y chromium). "
        "The deep-link, sign-in and language checks did NOT run."
    )
    if os.environ.get("POSTMART_REQUIRE_BROWSER") == "1":
        pytest.fail(reason.replace("SKIPPED", "REQUIRED (POSTMART_REQUIRE_BROWSER=1)"))
    print(f"\n{'!' * 80}\n{reason}\n{'!' * 80}", file=sys.stderr)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"streamlit did not answer /_stcore/health in time:\n{log.read_text()}")


@dataclass(frozen=True)
class BrowserEnv:
    env: dict[str, str]
    accounts: dict[str, tuple[str, str]]  # role -> (username, password); plus LOCKED_USER
    passwords: dict[str, str]  # username -> password, of every account made


@contextlib.contextmanager
def seeding(browser_env: BrowserEnv) -> Iterator[None]:
    """This test process pointed at the server's data (lake and ops DB), to put records in
    through the services before the server starts."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in browser_env.env.items():
            if name.startswith("POSTMART_"):
                mp.setenv(name, value)
        for name in ("OPS_DB_URL", "INBOX_DIR"):
            mp.delenv(f"POSTMART_{name}", raising=False)
        try:
            yield
        finally:
            ops.dispose_all()


@contextlib.contextmanager
def serve(browser_env: BrowserEnv, log: Path) -> Iterator[Server]:
    """`streamlit run streamlit_app.py` on a free port until the block ends."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "streamlit_app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    with log.open("w") as out:
        proc = subprocess.Popen(
            command, cwd=ROOT, env=browser_env.env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        _wait_healthy(url, proc, log)
        yield Server(url=url, accounts=browser_env.accounts, log=log, env=browser_env.env)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def screenshot(page: object, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


# Streamlit's tables draw on a canvas (glide-data-grid); an accessible copy of the visible
# rows sits in the DOM, one cell per ``glide-cell-<column>-<row>`` (column 0 is the row
# marker of a selectable table). Rows are this tall, the header as tall as a row.
TABLE_ROW_PX = 35


def table(page: object, index: int = 0) -> object:
    return page.locator('[data-testid="stDataFrame"]').nth(index)


def table_cell(page: object, row: int, column: int = 1, index: int = 0) -> str:
    """The text of a visible cell of the ``index``-th table (data columns count from 1)."""
    return table(page, index).locator(f'[data-testid="glide-cell-{column}-{row}"]').inner_text()


def select_table_row(page: object, row: int, index: int = 0) -> None:
    """Select a visible row of a single-row-selection table by clicking its row marker."""
    box = table(page, index).locator("canvas").first.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + TABLE_ROW_PX * (row + 1) + TABLE_ROW_PX / 2)
