"""The app's own HTTP layer, around Streamlit's (``st.App`` routes and middleware).

- ``/postmart/session?ticket=…&next=…``: redeems the one-time ticket of a sign-in
  (``identity.sessions.redeem``) and sets the session cookie — the only place the token
  ever travels, ``HttpOnly``, ``SameSite=Lax``, path ``/``, and ``Secure`` with the
  ``__Host-`` prefix when the app is served over HTTPS.
- ``/postmart/signed-out``: clears the cookie after a sign-out (the session row is
  already revoked by then, in the script).
- Every HTTP response carries the security headers below; a page load gives a browser
  its binding cookie (to which sign-in tickets are bound, against login CSRF);
  ``/_stcore/metrics`` is served only to a signed-in session.

No Streamlit API is used here (this runs in the server, not in a script); the starlette
it builds on comes with Streamlit.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from dashboard.identity import sessions
from warehouse.settings import load_settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_COOKIE = "pm_session"
BIND_COOKIE = "pm_bind"
SECURE_PREFIX = "__Host-"
SESSION_ROUTE = "/postmart/session"
SIGNED_OUT_ROUTE = "/postmart/signed-out"
METRICS_PATH = "/_stcore/metrics"
# The sign-in screen's "you have signed out" after the cookie was cleared.
SIGNED_OUT_PARAM = "signed_out"
# Paths that are not page loads: Streamlit's API, assets and media.
_NOT_PAGES = ("/_stcore/", "/static/", "/media/", "/component/", "/postmart/")
BIND_BYTES = 16

# The app needs inline styles (Streamlit's and plotly's), its own scripts and a websocket
# back to itself; nothing may frame it, post a form elsewhere or load plugins.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self' ws: wss:",
        "worker-src 'self' blob:",
        "frame-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    )
)
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
)


def cookie_name(base: str, https: bool) -> str:
    """``__Host-<base>`` over HTTPS (Secure, path /, no Domain: the browser enforces it),
    plain ``<base>`` over HTTP (the embedded default on localhost)."""
    return SECURE_PREFIX + base if https else base


def cookie_value(cookies: MutableMapping[str, str] | dict[str, str], base: str) -> str | None:
    """A cookie of ours by its base name, under either name."""
    return cookies.get(SECURE_PREFIX + base) or cookies.get(base)


def _is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def safe_next(target: str | None) -> str:
    """Where to go after the cookie is set: a path of this app only (never another site,
    never a scheme-relative ``//host`` link); the home page otherwise."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return "/"
    return target


def _no_store(response: Response) -> Response:
    response.headers["cache-control"] = "no-store"
    response.headers["referrer-policy"] = "no-referrer"
    return response


async def session_route(request: Request) -> Response:
    """Redeem a sign-in ticket and set the session cookie; then back to the page."""
    https = _is_https(request)
    token = await run_in_threadpool(
        sessions.redeem,
        request.query_params.get("ticket", ""),
        cookie_value(request.cookies, BIND_COOKIE),
    )
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    if token:
        response.set_cookie(
            cookie_name(SESSION_COOKIE, https),
            token,
            max_age=int(load_settings().session_absolute_hours * 3600),
            path="/",
            secure=https,
            httponly=True,
            samesite="lax",
        )
    return _no_store(response)


async def signed_out_route(request: Request) -> Response:
    """Forget the session cookie (the session itself was revoked by the sign-out)."""
    https = _is_https(request)
    response = RedirectResponse(f"/?{SIGNED_OUT_PARAM}=1", status_code=303)
    response.delete_cookie(
        cookie_name(SESSION_COOKIE, https), path="/", secure=https, httponly=True, samesite="lax"
    )
    return _no_store(response)


def routes() -> list[Route]:
    return [
        Route(SESSION_ROUTE, session_route, methods=["GET"]),
        Route(SIGNED_OUT_ROUTE, signed_out_route, methods=["GET"]),
    ]


def _request_cookies(scope: Scope) -> dict[str, str]:
    jar = SimpleCookie()
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            jar.load(value.decode("latin-1"))
    return {key: morsel.value for key, morsel in jar.items()}


class ShellMiddleware:
    """Security headers, the binding cookie, and a signed-in guard on the metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        cookies = _request_cookies(scope)
        https = scope.get("scheme") == "https"
        if path == METRICS_PATH and not await self._signed_in(cookies):
            response = Response("not found", status_code=404, media_type="text/plain")
            await response(scope, receive, self._with_headers(send, set_bind=None))
            return
        set_bind = None
        if (
            scope.get("method") == "GET"
            and not path.startswith(_NOT_PAGES)
            and not cookie_value(cookies, BIND_COOKIE)
        ):
            set_bind = _bind_cookie(https)
        await self.app(scope, receive, self._with_headers(send, set_bind))

    async def _signed_in(self, cookies: dict[str, str]) -> bool:
        token = cookie_value(cookies, SESSION_COOKIE)
        if not token:
            return False
        checked = await run_in_threadpool(sessions.check, token=token)
        return checked.user is not None

    @staticmethod
    def _with_headers(send: Send, set_bind: str | None) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.decode("latin-1").lower() not in {n for n, _ in SECURITY_HEADERS}
                ]
                headers += [(n.encode(), v.encode()) for n, v in SECURITY_HEADERS]
                if set_bind:
                    headers.append((b"set-cookie", set_bind.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        return wrapped


def _bind_cookie(https: bool) -> str:
    value = secrets.token_urlsafe(BIND_BYTES)
    parts = [f"{cookie_name(BIND_COOKIE, https)}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if https:
        parts.append("Secure")
    return "; ".join(parts)


def middleware() -> list[Middleware]:
    return [Middleware(ShellMiddleware)]
