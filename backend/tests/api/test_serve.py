"""Serving the web app next to the API, and `underway serve` itself (a real process)."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from queue import Empty, Queue

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.api.conftest import LiveServer, start_server
from tests.api.problems import assert_problem
from tests.support.processes import BACKEND_DIR, cli_env
from underway.api.static import mount_web_app
from underway.api.streams import protocol
from underway.settings import Settings

INDEX = "<!doctype html><title>Underway</title><div id=root></div>"
SCRIPT = "console.log('app')"


@pytest.fixture
def web_dir(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "app-1a2b3c.js").write_text(SCRIPT)
    (dist / "robots.txt").write_text("User-agent: *\n")
    (tmp_path / "secret.txt").write_text("not for the web")
    return dist


@pytest.fixture
async def site(settings_factory: Callable[..., Settings], web_dir: Path) -> AsyncIterator[LiveServer]:
    async with start_server(settings_factory(), configure=lambda app: mount_web_app(app, web_dir)) as server:
        yield server


async def test_web_app_and_client_side_routes(site: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=site.base_url) as web:
        for path in ("/", "/operations/123", "/admin/users", "/index.html"):
            r = await web.get(path)
            assert r.status_code == 200, path
            assert r.text == INDEX and r.headers["content-type"].startswith("text/html")
            assert r.headers["cache-control"] == "no-cache"
            assert "script-src 'self'" in r.headers["content-security-policy"]

        asset = await web.get("/assets/app-1a2b3c.js")
        assert asset.text == SCRIPT
        assert "javascript" in asset.headers["content-type"]
        assert "immutable" in asset.headers["cache-control"]
        assert (await web.get("/robots.txt")).headers["cache-control"] == "no-cache"
        assert_problem(await web.get("/assets/app-old.js"), 404)
        assert (await web.post("/")).status_code == 405


async def test_api_paths_are_never_the_web_app(site: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=site.base_url) as web:
        assert (await web.get("/api/v1/health")).json() == {"status": "ok"}
        for path in ("/api", "/api/", "/api/v1/nope", "/api/v2/operations"):
            assert_problem(await web.get(path), 404)
        assert_problem(await web.post("/api/v1/nope"), 404)
        assert_problem(await web.delete("/api/v1/operations"), 405)


async def test_files_outside_the_build_are_not_served(site: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=site.base_url) as web:
        for raw in ("/..%2Fsecret.txt", "/%2E%2E/secret.txt", "/assets/..%2F..%2Fsecret.txt"):
            r = await web.get(httpx.URL(site.base_url + raw))
            assert "not for the web" not in r.text, raw


# --- the `underway serve` process -------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def _serve(tmp_path: Path, web_dir: Path, port: int) -> Iterator[Queue[str]]:
    """``underway serve --bootstrap-admin`` in a child process; yields its output lines."""
    database_url = f"sqlite:///{tmp_path / 'data' / 'underway.db'}"
    env = cli_env(tmp_path / "data", database_url, UNDERWAY_WEB_DIR=str(web_dir))
    command = [sys.executable, "-m", "underway", "serve", "--port", str(port), "--bootstrap-admin"]
    proc = subprocess.Popen(
        command, env=env, cwd=BACKEND_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: Queue[str] = Queue()
    assert proc.stdout is not None
    stdout = proc.stdout

    def pump() -> None:
        for line in stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    try:
        yield lines
    finally:
        proc.terminate()  # SIGTERM: uvicorn shuts down gracefully
        proc.wait(timeout=30)


def _read_until(lines: Queue[str], pattern: str, timeout: float = 60) -> tuple[str, list[str]]:
    seen: list[str] = []
    while True:
        try:
            line = lines.get(timeout=timeout)
        except Empty:
            raise AssertionError(f"no line matching {pattern!r} in:\n{''.join(seen)}") from None
        seen.append(line)
        if re.search(pattern, line):
            return line, seen


def test_serve_bootstraps_an_admin_once_and_serves_api_and_app(tmp_path: Path, web_dir: Path) -> None:
    port = _free_port()
    with _serve(tmp_path, web_dir, port) as lines:
        password_line, before = _read_until(lines, r"Password:")
        password = password_line.split("Password:", 1)[1].strip()
        assert any(f"http://127.0.0.1:{port}/" in line for line in before)
        assert any("Username: admin" in line for line in before)
        _read_until(lines, r"Uvicorn running on|Application startup complete")

        base = f"http://127.0.0.1:{port}"
        login = httpx.post(f"{base}/api/v1/auth/token", data={"username": "admin", "password": password})
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
        me = httpx.get(f"{base}/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json()["role"] == "admin"
        assert httpx.get(f"{base}/operations").text == INDEX
        _streams_work(f"ws://127.0.0.1:{port}/api/v1/admin/stream", token)

    with _serve(tmp_path, web_dir, port) as lines:  # an admin exists now: nothing to print
        _, output = _read_until(lines, r"Uvicorn running on|Application startup complete")
        assert not any("Password:" in line for line in output)


def _streams_work(url: str, token: str) -> None:
    """The admin stream of the real process answers pings, and its frame cap is in force."""
    with connect(url, open_timeout=30) as ws:
        ws.send(json.dumps({"type": "auth", "token": token}))
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv(timeout=30)) == {"type": "pong"}
        ws.send("x" * (protocol.MAX_MESSAGE_BYTES + 1))
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=30)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009
