"""A real ``underway serve`` process: fresh data dir and database, a free port, the built web app.

The server is configured only through ``UNDERWAY_*`` environment variables, exactly as an operator
would; inherited ``UNDERWAY_*`` variables are dropped and the process runs in its data dir (so no
stray ``.env`` is read). Accounts are created with the real CLI (``underway users create``) or the
admin API, never through a test-only route.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

START_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 20.0
CLI_TIMEOUT_S = 120.0
START_ATTEMPTS = 3
LOG_TAIL_LINES = 120

# The settings every e2e server shares; a server may override any of them.
BASE_SETTINGS: dict[str, str] = {
    "UNDERWAY_WORKERS": "4",
    "UNDERWAY_MAX_RUNNING_PER_USER": "2",
    # Small, so a cancelled workflow that ignored its checkpoints is stopped quickly.
    "UNDERWAY_CANCEL_GRACE_S": "5",
    # Every test signs in from 127.0.0.1: the production login limit (per IP) would trip.
    "UNDERWAY_RATE_LIMIT_LOGIN": "10000/minute",
    "UNDERWAY_RATE_LIMIT_READ": "100000/minute",
    "UNDERWAY_RATE_LIMIT_SUBMIT": "1000/minute",
    # Long enough that no token expires during a slow run.
    "UNDERWAY_TOKEN_TTL_S": str(4 * 3600),
    "UNDERWAY_METRICS_ENABLED": "false",
    # The session's server stops with demos still running; it need not wait for them.
    "UNDERWAY_SHUTDOWN_GRACE_S": "0",
    # The webhook receivers of the integrations flow listen on 127.0.0.1.
    "UNDERWAY_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32",
}


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    admin: bool = False


class ServerError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class UnderwayServer:
    """One ``underway serve`` process. ``start()`` returns once /health/ready answers 200."""

    def __init__(
        self,
        *,
        name: str,
        workdir: Path,
        database_url: str,
        web_dir: Path,
        settings: Mapping[str, str] | None = None,
    ) -> None:
        self.name = name
        self.workdir = workdir
        self.data_dir = workdir / "data"
        self.database_url = database_url
        self.web_dir = web_dir
        self.settings = {**BASE_SETTINGS, **(settings or {})}
        self.log_path = workdir / "server.log"
        self.port = 0
        # Created with the CLI before the server starts (see serve()).
        self.admin = Account("e2e-admin", secrets.token_urlsafe(18), admin=True)
        self._proc: subprocess.Popen[bytes] | None = None

    # -- configuration --------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def cancel_grace_s(self) -> float:
        return float(self.settings["UNDERWAY_CANCEL_GRACE_S"])

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("UNDERWAY_")}
        env.update(self.settings)
        env.update(
            {
                "UNDERWAY_DATA_DIR": str(self.data_dir),
                "UNDERWAY_DATABASE_URL": self.database_url,
                "UNDERWAY_WEB_DIR": str(self.web_dir),
                "PYTHONUNBUFFERED": "1",
                "NO_COLOR": "1",
                "COLUMNS": "200",
            }
        )
        return env

    # -- the CLI ----------------------------------------------------------------------------------

    def cli(self, *args: str) -> str:
        """Run ``underway ARGS`` against this server's data dir and database; returns its output."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            [sys.executable, "-m", "underway", *args],
            cwd=self.data_dir,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT_S,
            check=False,
        )
        if done.returncode != 0:
            raise ServerError(
                f"`underway {' '.join(args[:2])} ...` exited with {done.returncode}:\n{done.stdout}{done.stderr}"
            )
        return done.stdout

    def create_user_with_cli(self, account: Account) -> None:
        args = ["users", "create", account.username, "--password", account.password]
        self.cli(*args, *(["--admin"] if account.admin else []))

    # -- the process ------------------------------------------------------------------------------

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        last_error = ""
        for _ in range(START_ATTEMPTS):
            self.port = free_port()
            if self._spawn_and_wait():
                return
            last_error = self.log_tail()
            # Another process may have taken the port between our probe and the bind: try another.
            if "address already in use" not in last_error.lower():
                break
        raise ServerError(f"underway serve ({self.name}) did not become ready. Its log:\n{last_error}")

    def _spawn_and_wait(self) -> bool:
        with self.log_path.open("ab") as log:
            log.write(f"\n===== underway serve on port {self.port} =====\n".encode())
            log.flush()
            self._proc = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
                [sys.executable, "-m", "underway", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=self.data_dir,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        with httpx.Client(base_url=self.base_url, timeout=5.0) as http:
            while time.monotonic() < deadline:
                if self._proc.poll() is not None:
                    return False
                with contextlib.suppress(httpx.HTTPError):
                    if http.get("/api/v1/health/ready").status_code == 200:
                        # The web app must be served too, or every browser test fails obscurely.
                        index = http.get("/")
                        if index.status_code != 200 or "<div" not in index.text:
                            raise ServerError(f"{self.base_url}/ does not serve the web app")
                        return True
                time.sleep(0.1)  # polling a process that is starting, not waiting in a test
        self.stop()
        return False

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self) -> int | None:
        """Terminate (graceful shutdown), wait, kill on timeout. Returns the exit code."""
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=STOP_TIMEOUT_S)
        return proc.returncode

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


# -- PostgreSQL -----------------------------------------------------------------------------------

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def postgres_admin_url() -> str:
    """A database to connect to for CREATE/DROP DATABASE (trust auth on the CI service)."""
    return os.environ.get("UNDERWAY_E2E_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def postgres_problem(admin_url: str) -> str | None:
    try:
        with psycopg.connect(admin_url, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip() or type(exc).__name__


@contextlib.contextmanager
def fresh_postgres_database(admin_url: str) -> Iterator[str]:
    """A new, empty database for one session; dropped afterwards (even with connections left)."""
    name = f"underway_e2e_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- one server, start to finish ------------------------------------------------------------------


@contextlib.contextmanager
def serve(
    *,
    name: str,
    workdir: Path,
    database: str,
    web_dir: Path,
    settings: Mapping[str, str] | None = None,
) -> Iterator[UnderwayServer]:
    """A started server on a fresh database ("sqlite" or "postgres") with an administrator
    (``server.admin``) created by ``underway users create --admin``; stopped and its database
    dropped afterwards. A server that does not stop cleanly is an error carrying its log."""
    with contextlib.ExitStack() as stack:
        workdir.mkdir(parents=True, exist_ok=True)
        if database == "postgres":
            url = stack.enter_context(fresh_postgres_database(postgres_admin_url()))
        elif database == "sqlite":
            url = f"sqlite:///{workdir / 'data' / 'underway.db'}"
        else:
            raise ValueError(f"unknown database {database!r}: sqlite or postgres")
        server = UnderwayServer(
            name=name, workdir=workdir, database_url=url, web_dir=web_dir, settings=settings
        )
        server.create_user_with_cli(server.admin)
        stack.callback(_stop_cleanly, server)
        server.start()
        yield server


def _stop_cleanly(server: UnderwayServer) -> None:
    code = server.stop()
    # uvicorn re-raises the SIGTERM it handled once shut down: -15 is a clean stop too.
    if code not in (0, -signal.SIGTERM, None):
        raise ServerError(f"underway serve ({server.name}) exited with {code}. Its log:\n{server.log_tail()}")
