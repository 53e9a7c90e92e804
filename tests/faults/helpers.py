"""What the fault tests share: `postmart serve` started as a user would start it, the
replica that serves a browser (from nginx's access log), and a private PostgreSQL
cluster on its own port that the tests may stop and start (never the shared one)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dashboard.production import serve

ROOT = Path(__file__).resolve().parents[2]
POSTMART = [sys.executable, "-m", "dashboard.cli"]
START_TIMEOUT_S = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Served:
    url: str
    run_dir: Path
    replica_ports: tuple[int, ...]
    proc: subprocess.Popen

    def replica_pid(self, port: int) -> int:
        return int((self.run_dir / f"replica-{port}.pid").read_text())

    def kill_replica(self, port: int) -> None:
        """SIGKILL: the process dies as in a crash, nothing cleaned up."""
        os.kill(self.replica_pid(port), signal.SIGKILL)

    def access_log(self) -> list[str]:
        path = self.run_dir / "nginx-access.log"
        return path.read_text().splitlines() if path.exists() else []

    def upstreams(self, lines: list[str]) -> list[int]:
        """The replica port that answered each line's request (nginx lists every replica it
        tried, the one that answered last)."""
        out = []
        for line in lines:
            found = re.search(r"upstream=((?:127\.0\.0\.1:\d+(?:, )?)+)", line)
            if found:
                out.append(int(found.group(1).rstrip(", ").rsplit(":", 1)[1]))
        return out


@contextlib.contextmanager
def serving(env: dict[str, str], replicas: int, log: Path) -> Iterator[Served]:
    """`postmart serve --replicas N` on free ports until the block ends."""
    port, first = free_port(), free_port()
    while any(not serve.port_free(p) for p in range(first, first + replicas)) or port in range(
        first, first + replicas
    ):
        first = free_port()
    run_dir = Path(env["POSTMART_DATA_DIR"]) / f"run-{port}"
    command = [
        *POSTMART,
        "serve",
        "--replicas",
        str(replicas),
        "--port",
        str(port),
        "--replica-port",
        str(first),
        "--run-dir",
        str(run_dir),
    ]
    with log.open("w") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while "serving http" not in log.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"postmart serve did not start:\n{log.read_text()}")
            time.sleep(0.3)
        yield Served(url, run_dir, tuple(range(first, first + replicas)), proc)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------- a private PostgreSQL


def _pg_bin() -> Path | None:
    root = Path("/usr/lib/postgresql")
    if not root.is_dir():
        return None
    versions = sorted(root.iterdir(), key=lambda p: int(p.name) if p.name.isdigit() else 0)
    return versions[-1] / "bin" if versions else None


def _as_postgres(command: str) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        return subprocess.run(
            ["su", "postgres", "-c", command], capture_output=True, text=True, timeout=120
        )
    return subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=120)


@dataclass
class PrivatePg:
    """A PostgreSQL cluster of the fault tests' own, in a temp folder, on its own port."""

    bin: Path
    data: Path
    port: int

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def conninfo(self, database: str) -> str:
        return f"dbname={database} host=127.0.0.1 port={self.port} user=postgres"

    def _ctl(self, action: str, *options: str) -> None:
        done = _as_postgres(
            f"{self.bin}/pg_ctl -D {self.data} -w -t 60 "
            f"-o '-p {self.port} -k /tmp -c listen_addresses=127.0.0.1' "
            f"{' '.join(options)} {action}"
        )
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl {action}: {done.stdout}{done.stderr}")

    def start(self) -> None:
        self._ctl("start", "-l", str(self.data / "server.log"))

    def stop(self) -> None:
        self._ctl("stop", "-m", "fast")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast", "-l", str(self.data / "server.log"))

    def createdb(self, name: str) -> None:
        done = _as_postgres(f"{self.bin}/createdb -h 127.0.0.1 -p {self.port} -U postgres {name}")
        if done.returncode != 0:
            raise RuntimeError(done.stderr)


@contextlib.contextmanager
def private_pg() -> Iterator[PrivatePg]:
    """initdb in /tmp, started on a free port; stopped and removed afterwards."""
    pg_bin = _pg_bin()
    if pg_bin is None or not (pg_bin / "initdb").exists():
        pytest.skip("PostgreSQL server binaries are not installed")
    data = Path(tempfile.mkdtemp(prefix="postmart-faults-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    pg = PrivatePg(pg_bin, data, free_port())
    done = _as_postgres(f"{pg_bin}/initdb -D {data} -A trust -U postgres")
    if done.returncode != 0:
        pytest.fail(f"initdb failed: {done.stderr}")
    pg.start()
    try:
        yield pg
    finally:
        with contextlib.suppress(Exception):
            pg.stop()
        shutil.rmtree(data, ignore_errors=True)
