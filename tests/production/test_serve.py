"""`postmart serve`'s nginx in front of two stand-in replicas (plain HTTP servers that say
which they are), so the real generated configuration is checked in well under a second
per test: stickiness by the binding cookie, failover when a replica dies, the metrics
hidden, the health check passed through, one cookie secret for all."""

from __future__ import annotations

import contextlib
import http.server
import os
import socket
import stat
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.production import nginx_conf, serve
from warehouse.settings import load_settings

pytestmark = pytest.mark.skipif(not serve.NGINX.exists(), reason="nginx is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Named(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        body = f"{self.server.server_port} {self.headers.get('Host')}".encode()
        self.send_response(200)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def stand_in(port: int) -> Iterator[http.server.HTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Named)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def nginx_in_front(tmp_path: Path, ports: tuple[int, ...]) -> Iterator[serve.Supervisor]:
    layout = nginx_conf.Layout(tmp_path / "run", "127.0.0.1", free_port(), ports)
    sup = serve.Supervisor(layout, secret="x")
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (layout.run_dir / "tmp" / kind).mkdir(parents=True, exist_ok=True)
    sup._write_conf()
    sup.nginx = subprocess.Popen(sup._nginx("-g", "daemon off;"))
    deadline = time.monotonic() + 10
    while serve.port_free(layout.listen_port):
        assert time.monotonic() < deadline, (layout.run_dir / "nginx-error.log").read_text()
        time.sleep(0.05)
    try:
        yield sup
    finally:
        sup.stop()


def get(url: str, cookie: str | None = None) -> tuple[int, str]:
    status, body, _ = fetch(url, cookie)
    return status, body


def fetch(url: str, cookie: str | None = None) -> tuple[int, str, str | None]:
    """Status, body and the route cookie nginx set (None when it set none)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as resp:
            route = None
            for header in resp.headers.get_all("Set-Cookie") or []:
                if header.startswith(nginx_conf.ROUTE_COOKIE + "="):
                    route = header.split(";", 1)[0]
            return resp.status, resp.read().decode(), route
    except urllib.error.HTTPError as exc:
        return exc.code, "", None


class Browser:
    """Keeps the binding cookie and the route cookie nginx gives, as a browser does."""

    def __init__(self, name: str) -> None:
        self.bind = f"pm_bind={name}"
        self.route: str | None = None

    def get(self, url: str) -> str:
        cookie = "; ".join(c for c in ("other=1", self.bind, self.route) if c)
        status, body, route = fetch(url, cookie)
        assert status == 200
        if route:
            self.route = route
        return body.split()[0]


def test_generated_configuration_is_valid_nginx(tmp_path: Path) -> None:
    layout = nginx_conf.Layout(tmp_path / "run", "127.0.0.1", free_port(), (8601, 8602, 8603))
    sup = serve.Supervisor(layout, secret="x")
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (layout.run_dir / "tmp" / kind).mkdir(parents=True, exist_ok=True)
    sup._write_conf()
    checked = subprocess.run(sup._nginx("-t"), capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    conf = sup.conf_path.read_text()
    assert "hash $postmart_sticky consistent" in conf
    assert "proxy_set_header Upgrade $http_upgrade" in conf
    # The pool, and one group per replica with the two others as backups.
    assert conf.count("server 127.0.0.1:") == 3 + 3 * 3
    assert conf.count(" backup") == 3 * 2


def test_browser_stays_on_its_replica_and_fails_over(tmp_path: Path) -> None:
    a, b = free_port(), free_port()
    with stand_in(a), stand_in(b) as second, nginx_in_front(tmp_path, (a, b)) as sup:
        url = sup.layout.url
        # A browser stays on the replica of its first visit (hash of its binding cookie,
        # then the route cookie nginx sets) ...
        browsers = [Browser(f"browser{n}") for n in range(12)]
        seen = {id(br): {br.get(url + "/page") for _ in range(4)} for br in browsers}
        assert all(len(ports) == 1 for ports in seen.values())
        assert all(
            br.route == f"{nginx_conf.ROUTE_COOKIE}=r{next(iter(seen[id(br)]))}" for br in browsers
        )
        # ... and the browsers spread over both.
        assert {p for ports in seen.values() for p in ports} == {str(a), str(b)}
        # The browser's Host goes through (Streamlit's same-origin WebSocket check).
        assert get(url + "/page")[1].split()[1] == f"127.0.0.1:{sup.layout.listen_port}"

        # Kill the replica of one browser: its next request is served by the other, and
        # the browser stays there when the dead one comes back (its tab lives there now).
        moved = next(br for br in browsers if seen[id(br)] == {str(b)})
        second.shutdown()
        second.server_close()
        assert moved.get(url + "/page") == str(a)
        assert moved.route == f"{nginx_conf.ROUTE_COOKIE}=r{a}"
        with stand_in(b):
            assert {moved.get(url + "/page") for _ in range(4)} == {str(a)}
            stayed = next(br for br in browsers if seen[id(br)] == {str(a)})
            assert stayed.get(url + "/page") == str(a)


def test_metrics_hidden_health_passed(tmp_path: Path) -> None:
    a = free_port()
    with stand_in(a), nginx_in_front(tmp_path, (a,)) as sup:
        assert get(sup.layout.url + nginx_conf.METRICS_PATH)[0] == 404
        assert get(sup.layout.url + nginx_conf.HEALTH_PATH) == (
            200,
            f"{a} 127.0.0.1:{sup.layout.listen_port}",
        )


def test_replica_taken_out_is_not_served(tmp_path: Path) -> None:
    a, b = free_port(), free_port()
    with stand_in(a), stand_in(b), nginx_in_front(tmp_path, (a, b)) as sup:
        sup._set_down(frozenset({a}))
        time.sleep(0.5)  # the reload: new workers take over
        bodies = {get(sup.layout.url + "/p", f"pm_bind=b{n}")[1].split()[0] for n in range(10)}
        assert bodies == {str(b)}
        # A browser whose route names the replica taken out is served by another.
        assert get(sup.layout.url + "/p", f"{nginx_conf.ROUTE_COOKIE}=r{a}")[1].split()[0] == str(b)


def test_one_cookie_secret_made_once_private(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    first = serve.cookie_secret(path)
    assert serve.cookie_secret(path) == first
    assert len(first) == 2 * serve.SECRET_BYTES
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    env = serve.replica_env(first, {"PATH": os.environ["PATH"]})
    assert env["STREAMLIT_SERVER_COOKIE_SECRET"] == first
    assert env["STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION"] == "true"
    assert env["STREAMLIT_SERVER_ENABLE_CORS"] == "true"
    assert first not in " ".join(serve.replica_command(8601))


def test_secret_file_setting_and_layout(tmp_path: Path) -> None:
    settings = load_settings({"POSTMART_DATA_DIR": str(tmp_path)})
    assert settings.cookie_secret_file == tmp_path.resolve() / "cookie_secret"
    layout = serve.layout_for(settings, 3, port=8080, first_replica_port=8601)
    assert layout.replica_ports == (8601, 8602, 8603)
    assert layout.run_dir == tmp_path.resolve() / "run"
    with pytest.raises(serve.ServeError):
        serve.layout_for(settings, 2, port=8602, first_replica_port=8601)
    with pytest.raises(serve.ServeError):
        serve.layout_for(settings, 0, port=8080, first_replica_port=8601)


class _Slow(_Named):
    """A replica busy with a long page run: it takes the connection, answers late."""

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        time.sleep(1.0)
        super().do_GET()


@contextlib.contextmanager
def supervised(tmp_path: Path, ports: tuple[int, ...]) -> Iterator[tuple[serve.Supervisor, list]]:
    """A supervisor over stand-in replicas: each replica's process is a `sleep` (alive),
    and a restart is recorded instead of starting Streamlit."""
    layout = nginx_conf.Layout(tmp_path / "run", "127.0.0.1", free_port(), ports)
    layout.run_dir.mkdir(parents=True)
    sup = serve.Supervisor(layout, secret="x", say=lambda line: None)
    restarted: list[int] = []
    procs = []

    def start(replica: serve.Replica) -> None:
        restarted.append(replica.port)
        replica.proc = subprocess.Popen(["sleep", "60"])
        procs.append(replica.proc)
        replica.failures, replica.ready, replica.started_at = 0, False, time.monotonic()

    for port in ports:
        replica = serve.Replica(port, proc=subprocess.Popen(["sleep", "60"]), ready=True)
        procs.append(replica.proc)
        sup.replicas.append(replica)
    sup._start_replica = start  # type: ignore[method-assign]
    try:
        yield sup, restarted
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


def test_busy_replica_is_left_serving_a_silent_one_restarted(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(serve, "HEALTH_TIMEOUT_S", 0.2)
    busy, gone = free_port(), free_port()  # nothing listens on ``gone``
    server = http.server.ThreadingHTTPServer(("127.0.0.1", busy), _Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert serve.health(f"http://127.0.0.1:{busy}", timeout=0.2) == serve.SLOW
        assert serve.health(f"http://127.0.0.1:{gone}", timeout=0.2) == serve.DOWN
        with supervised(tmp_path, (busy, gone)) as (sup, restarted):
            for _ in range(serve.HEALTH_FAILURES):
                sup.check_once()
            assert restarted == [gone]  # refused twice: restarted
            assert sup.down == frozenset({gone})
            busy_proc = sup.replicas[0].proc
            assert busy_proc.poll() is None  # left running, and in nginx
            # Silent for longer than a hung replica may be: then it is stopped and taken
            # out (it is started again once its port is free; the stand-in keeps it).
            monkeypatch.setattr(serve, "HUNG_AFTER_S", 0.0)
            sup.check_once()
            assert busy_proc.poll() is not None
            assert sup.down == frozenset({busy, gone})
    finally:
        server.shutdown()
        server.server_close()


def test_a_starting_replica_gets_its_start_time(tmp_path: Path) -> None:
    port = free_port()  # refuses, as a replica does while Streamlit starts
    with supervised(tmp_path, (port,)) as (sup, restarted):
        replica = sup.replicas[0]
        replica.ready, replica.started_at = False, time.monotonic()
        for _ in range(serve.HEALTH_FAILURES + 1):
            sup.check_once()
        assert restarted == []
        replica.started_at -= serve.START_TIMEOUT_S  # it never came up
        for _ in range(serve.HEALTH_FAILURES):
            sup.check_once()
        assert restarted == [port]


def test_first_visits_without_cookies_spread_over_the_replicas(tmp_path: Path) -> None:
    """Browsers from one address (one office behind NAT) are not all placed on one replica:
    before the binding cookie exists the first placement is random, and the route cookie
    keeps each browser where it was placed."""
    a, b = free_port(), free_port()
    with stand_in(a), stand_in(b), nginx_in_front(tmp_path, (a, b)) as sup:
        placed = [fetch(sup.layout.url + "/")[2] for _ in range(30)]
        assert set(placed) == {f"{nginx_conf.ROUTE_COOKIE}=r{a}", f"{nginx_conf.ROUTE_COOKIE}=r{b}"}
        for route in placed[:4]:
            assert get(sup.layout.url + "/p", route)[1].split()[0] == route.rsplit("r", 1)[1]
