"""A real multi-process deployment on one database: ``underway serve --workers 0`` API processes
and ``underway worker`` processes, started as an operator would (environment variables only),
talked to over HTTP and WebSocket, stopped with SIGTERM (or killed with SIGKILL)."""

from __future__ import annotations

import contextlib
import json
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, Queue
from typing import Any, TypeVar

import httpx

from tests.support.processes import BACKEND_DIR, cli_env

T = TypeVar("T")
ADMIN_PASSWORD = "correct horse battery staple"
START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_until(condition: Callable[[], T | None], what: str, timeout: float = 60) -> T:
    """Poll ``condition`` until it returns something (not None), with a deadline."""
    deadline = time.monotonic() + timeout
    while True:
        found = condition()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


@dataclass
class Process:
    name: str
    proc: subprocess.Popen[str]
    lines: Queue[str] = field(default_factory=Queue)
    seen: list[str] = field(default_factory=list)

    def pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def wait_for_line(self, needle: str, timeout: float = START_TIMEOUT_S) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except Empty:
                raise AssertionError(
                    f"{self.name}: no line with {needle!r} in:\n{''.join(self.seen)}"
                ) from None
            self.seen.append(line)
            if needle in line:
                return line

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def exit_code(self, timeout: float = 60) -> int:
        return self.proc.wait(timeout=timeout)


class Cluster:
    """Processes sharing one database (and a signing key, as a real deployment must)."""

    def __init__(self, tmp_path: Path, database_url: str, **settings: str) -> None:
        self.tmp_path = tmp_path
        self.env = cli_env(
            tmp_path / "data",
            database_url,
            UNDERWAY_SECRET_KEY=secrets.token_urlsafe(32),
            UNDERWAY_HEARTBEAT_S="0.2",
            UNDERWAY_WORKER_LEASE_S="5",
            UNDERWAY_CANCEL_GRACE_S="5",
            UNDERWAY_PROGRESS_INTERVAL_S="0.02",
            UNDERWAY_SHUTDOWN_GRACE_S="0",
            UNDERWAY_RATE_LIMIT_SUBMIT="100000/minute",
            UNDERWAY_RATE_LIMIT_READ="100000/minute",
            UNDERWAY_RATE_LIMIT_LOGIN="100000/minute",
            UNDERWAY_QUEUE_CAPACITY="10000",
            UNDERWAY_MAX_QUEUED_PER_USER="10000",
            **settings,
        )
        self.processes: list[Process] = []
        self.apis: list[str] = []
        self._tokens: dict[str, str] = {}

    def _start(self, name: str, args: list[str], **env: str) -> Process:
        proc = subprocess.Popen(
            [sys.executable, "-m", "underway", *args],
            env={**self.env, **env},
            cwd=BACKEND_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        process = Process(name, proc)
        threading.Thread(target=process.pump, daemon=True).start()
        self.processes.append(process)
        return process

    def start_api(self, workers: int = 0) -> str:
        """An API process (API-only unless given ``workers``); returns its base URL once it answers."""
        port = free_port()
        process = self._start(f"api-{port}", ["serve", "--port", str(port), "--workers", str(workers)])
        process.wait_for_line("Application startup complete")
        url = f"http://127.0.0.1:{port}/api/v1"
        self.apis.append(url)
        return url

    def start_worker(self, workers: int = 2, **env: str) -> Process:
        process = self._start("worker", ["worker", "--workers", str(workers)], **env)
        process.wait_for_line("running up to")
        return process

    def create_user(self, name: str = "root", *, admin: bool = True) -> None:
        """An account made with the real CLI (``root`` is the administrator the helpers sign in as)."""
        role = ["--admin"] if admin else []
        done = subprocess.run(
            [sys.executable, "-m", "underway", "users", "create", name, *role, "--password", ADMIN_PASSWORD],
            env=self.env,
            cwd=BACKEND_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr

    def token(self, user: str = "root") -> str:
        if user not in self._tokens:
            r = httpx.post(f"{self.apis[0]}/auth/token", data={"username": user, "password": ADMIN_PASSWORD})
            assert r.status_code == 200, r.text
            self._tokens[user] = r.json()["access_token"]
        return self._tokens[user]

    def client(self, api: int = 0, user: str = "root") -> httpx.Client:
        return httpx.Client(
            base_url=self.apis[api], headers={"Authorization": f"Bearer {self.token(user)}"}, timeout=30
        )

    def submit(
        self, api: int, workflow: str, params: dict[str, Any], user: str = "root", **fields: Any
    ) -> dict[str, Any]:
        with self.client(api, user) as c:
            r = c.post("/operations", json={"workflow": workflow, "params": params, **fields})
        assert r.status_code == 202, r.text
        op: dict[str, Any] = r.json()
        return op

    def get(self, op_id: str, api: int = 0) -> dict[str, Any]:
        with self.client(api) as c:
            op: dict[str, Any] = c.get(f"/operations/{op_id}").json()
        return op

    def workers(self) -> list[dict[str, Any]]:
        with self.client() as c:
            workers: list[dict[str, Any]] = c.get("/admin/workers").json()
        return workers

    def wait_for_workers(self, n: int) -> None:
        wait_until(
            lambda: True if sum(w["state"] == "alive" for w in self.workers()) >= n else None, f"{n} workers"
        )

    def queue(self) -> dict[str, Any]:
        with self.client() as c:
            snapshot: dict[str, Any] = c.get("/admin/queue").json()
        return snapshot

    def logs(self) -> str:
        """Everything the processes printed so far (for a failure report)."""
        out = []
        for process in self.processes:
            while not process.lines.empty():
                process.seen.append(process.lines.get_nowait())
            out.append(f"--- {process.name} ---\n{''.join(process.seen)}")
        return "\n".join(out)

    def stop(self) -> None:
        for process in self.processes:
            if process.proc.poll() is None:
                process.signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.proc.kill()
                process.proc.wait(timeout=10)


@contextlib.contextmanager
def cluster(tmp_path: Path, database_url: str, **settings: str) -> Iterator[Cluster]:
    c = Cluster(tmp_path, database_url, **settings)
    try:
        yield c
    except BaseException:
        c.stop()
        print(c.logs())  # shown by pytest with the failure
        raise
    else:
        c.stop()


def read_runs(log: Path) -> dict[str, list[tuple[int, str]]]:
    """What test.record wrote: per operation, its (pid, start|end) lines in order."""
    runs: dict[str, list[tuple[int, str]]] = {}
    if log.exists():
        for line in log.read_text().splitlines():
            op_id, pid, what = line.split()
            runs.setdefault(op_id, []).append((int(pid), what))
    return runs


def stream_events(
    ws_url: str,
    token: str,
    on_event: Callable[[dict[str, Any]], None],
    *,
    after_seq: int = 0,
    timeout: float = 60,
) -> None:
    """Every event of an operation's WebSocket stream, handed to ``on_event`` as it arrives, until
    the server closes the stream (after the terminal event)."""
    from websockets.exceptions import ConnectionClosedOK
    from websockets.sync.client import connect

    with connect(f"{ws_url}?after_seq={after_seq}", open_timeout=30) as ws:
        ws.send(json.dumps({"type": "auth", "token": token}))
        deadline = time.monotonic() + timeout
        with contextlib.suppress(ConnectionClosedOK):
            while time.monotonic() < deadline:
                message = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
                if message["type"] == "event":
                    on_event(message["event"])


class AdminStream:
    """The admin stream of one API process, read on a thread: every event it delivers, in order."""

    def __init__(self, api_url: str, token: str) -> None:
        self.events: list[dict[str, Any]] = []
        self._url = api_url.replace("http", "ws", 1) + "/admin/stream"
        self._token = token
        self._connected: Queue[Any] = Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._ws = self._connected.get(timeout=START_TIMEOUT_S)

    def _read(self) -> None:
        from websockets.exceptions import ConnectionClosed
        from websockets.sync.client import connect

        with connect(self._url, open_timeout=30) as ws, contextlib.suppress(ConnectionClosed):
            ws.send(json.dumps({"type": "auth", "token": self._token}))
            self._connected.put(ws)
            for raw in ws:
                message = json.loads(raw)
                if message["type"] == "event":
                    self.events.append(message["event"])

    def statuses(self, operation_id: str) -> list[str]:
        return [
            e["status"]
            for e in list(self.events)
            if e["operation_id"] == operation_id and e["type"] == "status"
        ]

    def close(self) -> None:
        self._ws.close()
        self._reader.join(timeout=10)
