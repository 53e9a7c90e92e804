"""`postmart serve --replicas N`: N ``streamlit run`` processes behind one nginx.

Everything lives in a run folder (``<DATA_DIR>/run`` by default): the generated
``nginx.conf``, nginx's pid, logs and temp folders, and one log per replica. nginx runs
unprivileged (no port below 1024 needed; TLS and port 443 belong to the front nginx of
docs/deploy.md).

Why these choices:

- Streamlit keeps a tab's state in the process that holds its WebSocket, and an upload or a
  media file in that process's memory, so every request of one browser must reach one
  replica. The key is the browser's binding cookie ``pm_bind`` (set by the app on the first
  page load, kept for the browser's life, under ``__Host-`` over HTTPS), hashed with
  nginx's consistent hash; a random one (the request's id) before that cookie exists. ``ip_hash``
  alone would put a whole provincial office behind one NAT address on one replica, and the
  session cookie changes at sign-in, which would move the user right after signing in.
- A replica that dies: nginx's ``proxy_next_upstream`` sends the retry to the next replica
  of the hash ring, and the supervisor here checks ``/_stcore/health`` every few seconds,
  marks a failing replica ``down`` (nginx reloaded) and restarts it. The user's tab
  reconnects to another replica, which finds the session cookie in the WebSocket handshake
  and the session in the ops DB: still signed in (only the tab's widget state is new).
- ``/_stcore/metrics`` is answered 404 by nginx; ``/_stcore/health`` is served (for a
  front load balancer's own checks).
- Every replica gets the same ``server.cookieSecret`` (read from a file, never on a
  command line) so a cookie Streamlit signs on one is valid on all; CORS and XSRF
  protection keep Streamlit's defaults (on); nginx passes the browser's ``Host`` so
  Streamlit's same-origin check of the WebSocket holds.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.production.nginx_conf import HEALTH_PATH, Layout, nginx_conf
from warehouse.settings import Settings

NGINX = Path("/usr/sbin/nginx")
PROJECT_DIR = Path(__file__).resolve().parents[2]
SECRET_BYTES = 32
# How often the supervisor asks every replica for its health, and after how many failed
# answers in a row it takes the replica out of nginx and restarts it.
HEALTH_INTERVAL_S = 2.0
HEALTH_FAILURES = 2
HEALTH_TIMEOUT_S = 1.5
# A replica that accepts the health check's connection but does not answer in time is
# busy (a page's run can hold the process for seconds on a loaded machine), not dead:
# restarting it would drop every tab it serves and pile them onto the others. Only a
# replica silent this long is taken as hung and restarted.
HUNG_AFTER_S = 60.0
START_TIMEOUT_S = 90.0


class ServeError(Exception):
    """A problem starting the replicas or nginx, said in one line."""


def cookie_secret(path: Path) -> str:
    """The one cookie secret of every replica: read from ``path``, made there (mode 600)
    the first time. On several machines the same file is copied to each (docs/deploy.md)."""
    if path.exists():
        text = path.read_text().strip()
        if not text:
            raise ServeError(f"The cookie secret file {path} is empty.")
        return text
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(SECRET_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(value + "\n")
    return value


def replica_command(port: int) -> list[str]:
    """One replica: the app as `make run` serves it, on 127.0.0.1 only."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(PROJECT_DIR / "streamlit_app.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]


def replica_env(secret: str, base: dict[str, str] | None = None) -> dict[str, str]:
    """The replica's environment: ours, plus the shared cookie secret (by environment
    variable, so it never shows in ``ps``), CORS and XSRF explicitly on."""
    env = dict(os.environ if base is None else base)
    env["STREAMLIT_SERVER_COOKIE_SECRET"] = secret
    env["STREAMLIT_SERVER_ENABLE_CORS"] = "true"
    env["STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION"] = "true"
    return env


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


OK, SLOW, DOWN = "ok", "slow", "down"


def health(url: str, timeout: float = 2.0) -> str:
    """``ok`` (``/_stcore/health`` answered 200), ``slow`` (the connection was taken but
    no answer came within ``timeout``: alive and busy) or ``down`` (refused, reset, or
    an error status)."""
    try:
        with urllib.request.urlopen(url + HEALTH_PATH, timeout=timeout) as resp:
            return OK if resp.status == 200 else DOWN
    except urllib.error.URLError as exc:
        return SLOW if isinstance(exc.reason, TimeoutError) else DOWN
    except TimeoutError:
        return SLOW
    except OSError:
        return DOWN


def healthy(url: str, timeout: float = 2.0) -> bool:
    """Whether a server answers ``/_stcore/health`` with 200."""
    return health(url, timeout) == OK


@dataclass
class Replica:
    port: int
    proc: subprocess.Popen | None = None
    failures: int = 0
    restarts: int = 0
    started_at: float = 0.0  # time.monotonic() of the last start
    ready: bool = False  # answered a health check since its last start
    slow_since: float | None = None  # first of an unbroken run of unanswered checks


@dataclass
class Supervisor:
    """Starts the replicas and nginx, checks their health, restarts a failed replica."""

    layout: Layout
    secret: str
    env: dict[str, str] | None = None
    say: Callable[[str], None] = print
    replicas: list[Replica] = field(default_factory=list)
    nginx: subprocess.Popen | None = None
    down: frozenset[int] = frozenset()

    @property
    def conf_path(self) -> Path:
        return self.layout.run_dir / "nginx.conf"

    def _write_conf(self) -> None:
        self.conf_path.write_text(nginx_conf(self.layout, self.down))

    def _nginx(self, *args: str) -> list[str]:
        run = self.layout.run_dir
        return [str(NGINX), "-p", str(run), "-e", str(run / "nginx-error.log"), "-c"] + [
            str(self.conf_path),
            *args,
        ]

    def _start_replica(self, replica: Replica) -> None:
        log = (self.layout.run_dir / f"replica-{replica.port}.log").open("a")
        replica.proc = subprocess.Popen(
            replica_command(replica.port),
            cwd=PROJECT_DIR,
            env=replica_env(self.secret, self.env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        # For an operator (and the fault tests): which process serves which port.
        (self.layout.run_dir / f"replica-{replica.port}.pid").write_text(f"{replica.proc.pid}\n")
        replica.failures = 0
        replica.started_at = time.monotonic()
        replica.ready = False
        replica.slow_since = None

    def _wait_healthy(self, replica: Replica) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        url = self.layout.replica_url(replica.port)
        while not healthy(url):
            if replica.proc is not None and replica.proc.poll() is not None:
                raise ServeError(
                    f"Replica on port {replica.port} exited with {replica.proc.returncode}; "
                    f"see {self.layout.run_dir / f'replica-{replica.port}.log'}."
                )
            if time.monotonic() > deadline:
                raise ServeError(f"Replica on port {replica.port} did not become healthy.")
            time.sleep(0.3)

    def start(self) -> None:
        run = self.layout.run_dir
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (run / "tmp" / kind).mkdir(parents=True, exist_ok=True)
        busy = [
            p
            for p in (*self.layout.replica_ports, self.layout.listen_port)
            if not port_free(p, "127.0.0.1")
        ]
        if busy:
            # Streamlit would quietly take the next free port, out of nginx's sight.
            raise ServeError(f"Port(s) {', '.join(map(str, busy))} already in use.")
        self.replicas = [Replica(port) for port in self.layout.replica_ports]
        for replica in self.replicas:
            self._start_replica(replica)
        for replica in self.replicas:
            self._wait_healthy(replica)
            replica.ready = True
        self._write_conf()
        checked = subprocess.run(self._nginx("-t"), capture_output=True, text=True)
        if checked.returncode != 0:
            raise ServeError(f"nginx refused its configuration: {checked.stderr.strip()}")
        self.nginx = subprocess.Popen([*self._nginx("-g", "daemon off;")], start_new_session=True)
        deadline = time.monotonic() + 15
        while not healthy(self.layout.url):
            if self.nginx.poll() is not None or time.monotonic() > deadline:
                raise ServeError(f"nginx did not start; see {run / 'nginx-error.log'}.")
            time.sleep(0.2)

    def _set_down(self, down: frozenset[int]) -> None:
        if down == self.down:
            return
        self.down = down
        self._write_conf()
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGHUP)  # reload: open connections are kept

    def check_once(self) -> None:
        """One round of health checks. A replica that exited, or refused HEALTH_FAILURES
        checks in a row, goes out of nginx and is restarted; back in once healthy. A
        replica that is slow to answer stays in (busy is not dead) unless it has answered
        nothing for HUNG_AFTER_S; a replica still starting gets START_TIMEOUT_S."""
        down = set(self.down)
        now = time.monotonic()
        for replica in self.replicas:
            exited = replica.proc is None or replica.proc.poll() is not None
            state = (
                DOWN
                if exited
                else health(self.layout.replica_url(replica.port), timeout=HEALTH_TIMEOUT_S)
            )
            if state == OK:
                replica.failures = 0
                replica.ready = True
                replica.slow_since = None
                down.discard(replica.port)
                continue
            if not exited and not replica.ready and now - replica.started_at < START_TIMEOUT_S:
                continue  # still starting (a loaded machine takes its time)
            if state == SLOW:
                replica.slow_since = replica.slow_since or now
                if now - replica.slow_since < HUNG_AFTER_S:
                    continue
                self.say(f"replica {replica.port} answered nothing for {HUNG_AFTER_S:g} s")
            else:
                replica.slow_since = None
                replica.failures += 1
            if exited or state == SLOW or replica.failures >= HEALTH_FAILURES:
                if replica.port not in down:
                    self.say(f"replica {replica.port} is down; restarting it")
                down.add(replica.port)
                if not exited:
                    _stop(replica.proc)
                if port_free(replica.port):
                    replica.restarts += 1
                    self._start_replica(replica)
        self._set_down(frozenset(down))

    def run_forever(self, interval_s: float = HEALTH_INTERVAL_S) -> None:
        stop = {"now": False}

        def ask_to_stop(signum: int, frame: object) -> None:
            stop["now"] = True

        signal.signal(signal.SIGTERM, ask_to_stop)
        signal.signal(signal.SIGINT, ask_to_stop)
        while not stop["now"]:
            time.sleep(interval_s)
            if self.nginx is not None and self.nginx.poll() is not None:
                self.say("nginx exited; stopping")
                break
            self.check_once()

    def stop(self) -> None:
        if self.nginx is not None:
            _stop(self.nginx)
        for replica in self.replicas:
            if replica.proc is not None:
                _stop(replica.proc)


def _stop(proc: subprocess.Popen, timeout: float = 15.0) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def layout_for(
    settings: Settings,
    replicas: int,
    *,
    port: int,
    first_replica_port: int,
    host: str = "127.0.0.1",
    run_dir: Path | None = None,
) -> Layout:
    if replicas < 1:
        raise ServeError("--replicas must be at least 1.")
    ports = tuple(range(first_replica_port, first_replica_port + replicas))
    if port in ports:
        raise ServeError(f"Port {port} is both nginx's and a replica's.")
    return Layout(
        run_dir=(run_dir or settings.data_dir / "run").resolve(),
        listen_host=host,
        listen_port=port,
        replica_ports=ports,
    )
