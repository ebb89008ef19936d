"""A real Underway server in a background thread, a TCP proxy whose connections a test can cut or
hold, and a stand-in for a reverse proxy whose backend is down.

The auth engineer's ``start_server`` (tests/api/conftest.py) runs uvicorn on the test's own event
loop; SDK and CLI tests block (the sync client, subprocesses), so here it runs on a loop of its own
in a thread, and tests reach into it with :meth:`ThreadedServer.call`.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Coroutine, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

from tests.api.conftest import DEFAULT_PASSWORD, LiveServer, start_server
from underway.auth.models import Role
from underway.runtime import Runtime
from underway.settings import Settings

T = TypeVar("T")
STARTUP_TIMEOUT = 60.0


def sdk_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "database_url": f"sqlite:///{tmp_path / 'data' / 'underway.db'}",
        "workers": 4,
        "max_running_per_user": 4,
        "cancel_grace_s": 1.0,
        "progress_interval_s": 0.02,
        "rate_limit_submit": "1000/minute",
        "rate_limit_read": "100000/minute",
        "rate_limit_login": "1000/minute",
        "shutdown_grace_s": 0,
    }
    values.update(overrides)
    return Settings(**values)


class ThreadedServer:
    """``create_app(settings)`` under uvicorn, on its own event loop in a daemon thread, on ``port``
    (0: a free one; a stopped server's port and settings make a restarted one)."""

    def __init__(self, settings: Settings, port: int = 0) -> None:
        self.settings = settings
        self._port = port
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._server: LiveServer | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name="underway-test-server", daemon=True)

    def _main(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        except BaseException as exc:  # reported to the test thread by start()
            self._error = exc
            self._ready.set()
        finally:
            self._loop.close()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        async with start_server(self.settings, port=self._port) as server:
            self._server = server
            self._ready.set()
            await self._stop.wait()

    def start(self) -> ThreadedServer:
        self._thread.start()
        if not self._ready.wait(STARTUP_TIMEOUT) or self._server is None:
            raise RuntimeError(f"test server did not start: {self._error!r}")
        return self

    def stop(self) -> None:
        if self._stop is not None and self._thread.is_alive():
            stop = self._stop
            self._loop.call_soon_threadsafe(stop.set)
        self._thread.join(60)

    # -- reaching in ---------------------------------------------------------------------------------

    @property
    def live(self) -> LiveServer:
        assert self._server is not None
        return self._server

    @property
    def base_url(self) -> str:
        return self.live.base_url

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    @property
    def runtime(self) -> Runtime:
        return self.live.state.runtime

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        """Run a coroutine on the server's loop (service calls, user creation) and return its result."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def create_user(self, username: str, *, role: Role = Role.USER, password: str = DEFAULT_PASSWORD) -> str:
        """Create an account; returns its password."""
        self.call(self.live.create_user(username, role=role, password=password))
        return password

    def token_for(self, username: str, *, role: Role = Role.USER) -> str:
        """Create a user and sign them in; returns the access token."""
        return self.call(self.live.token_for(username, role=role))


@contextlib.contextmanager
def running_server(settings: Settings, port: int = 0) -> Iterator[ThreadedServer]:
    server = ThreadedServer(settings, port).start()
    try:
        yield server
    finally:
        server.stop()


class CuttableProxy:
    """A TCP proxy on 127.0.0.1 in front of ``upstream``; :meth:`cut` drops every open connection
    (as a network failure would) while new ones keep being accepted. :meth:`hold` makes new
    connections wait for :meth:`release` before they reach upstream, as a load balancer queues
    clients while its server restarts."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self._upstream = (upstream_host, upstream_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)  # notified when a connection is accepted
        self._gate = threading.Event()
        self._gate.set()
        self._open: set[socket.socket] = set()
        self.accepted = 0
        threading.Thread(target=self._accept, name="proxy-accept", daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            with self._changed:
                self.accepted += 1
                self._open.add(client)
                self._changed.notify_all()
            threading.Thread(target=self._connect, args=(client,), daemon=True).start()

    def _connect(self, client: socket.socket) -> None:
        self._gate.wait()
        try:
            upstream = socket.create_connection(self._upstream)
        except OSError:
            self._drop(client)
            return
        with self._lock:
            self._open.add(upstream)
        for src, dst in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def wait_for_connections(self, count: int, timeout: float = 30) -> None:
        """Until ``count`` connections have been accepted in all."""
        with self._changed:
            if not self._changed.wait_for(lambda: self.accepted >= count, timeout):
                raise TimeoutError(f"{self.accepted} connections after {timeout} s, not {count}")

    def hold(self) -> None:
        """New connections are accepted but wait before reaching upstream, until :meth:`release`."""
        self._gate.clear()

    def release(self) -> None:
        self._gate.set()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            self._drop(src, dst)

    def _drop(self, *socks: socket.socket) -> None:
        for s in socks:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                s.close()
            with self._lock:
                self._open.discard(s)

    def cut(self) -> None:
        """Drop every connection open now (both directions, like a dead link)."""
        with self._lock:
            victims = list(self._open)
        self._drop(*victims)

    def close(self) -> None:
        self._listener.close()
        self.release()
        self.cut()


@contextlib.contextmanager
def unavailable_server(content_type: str, body: bytes, *, retry_after: str) -> Iterator[str]:
    """An HTTP server answering every request 503, as a reverse proxy with no backend does."""

    class Unavailable(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(503)
            self.send_header("Content-Type", content_type)
            self.send_header("Retry-After", retry_after)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Unavailable)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextlib.contextmanager
def socket_nobody_listens_on() -> Iterator[str]:
    """A URL on a port that was free a moment ago (nothing listens there)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    yield f"http://127.0.0.1:{port}"
