"""Response headers: security headers on every response, plus headers code asked for on the way.

Headers queued with :func:`add_response_header` (the RateLimit fields) reach the response however
it is produced, a route's return value or an error handler's problem, because they are added here,
at the last moment.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_QUEUED = "underway.response_headers"

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# API responses (JSON, text) never need to load anything or be framed. HTML (the API docs page)
# loads scripts and styles, so it gets no CSP from here; neither does the web app, which sets its own.
_API_CSP = "default-src 'none'; frame-ancestors 'none'"


def add_response_header(conn: HTTPConnection, name: str, value: str) -> None:
    conn.scope.setdefault("state", {}).setdefault(_QUEUED, []).append((name, value))


class ResponseHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        is_api = scope["path"].startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if is_api:
                    if not headers.get("content-type", "").startswith("text/html"):
                        headers.setdefault("Content-Security-Policy", _API_CSP)
                    # API responses carry per-user data behind bearer auth: no shared or browser
                    # caching unless a route opts in. (The web app's files set their own.)
                    headers.setdefault("Cache-Control", "no-store")
                for name, value in scope.get("state", {}).get(_QUEUED, ()):
                    headers.append(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
