"""Fixtures of the remote CLI tests: a real server and the real ``underway`` command in subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.sdk.live import ThreadedServer, running_server, sdk_settings
from tests.support.processes import BACKEND_DIR, LiveProcess, cli_env
from underway.client import Client


@dataclass
class Cli:
    """Runs ``python -m underway`` with an isolated config dir and, by default, a signed-in user."""

    server: ThreadedServer
    config_dir: Path
    token: str
    env_extra: dict[str, str] = field(default_factory=dict)

    def env(self, *, signed_in: bool = True, **extra: str) -> dict[str, str]:
        env = cli_env(self.config_dir.parent / "local-data", "sqlite:///unused", **self.env_extra)
        env["UNDERWAY_CONFIG_DIR"] = str(self.config_dir)
        if signed_in:
            env["UNDERWAY_URL"] = self.server.base_url
            env["UNDERWAY_TOKEN"] = self.token
        env.update(extra)
        return env

    def run(
        self, *args: str, input: str | None = None, signed_in: bool = True, timeout: float = 60, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        return self._run(list(args), input=input, signed_in=signed_in, timeout=timeout, extra=extra)

    def _run(
        self, args: list[str], *, input: str | None, signed_in: bool, timeout: float, extra: dict[str, str]
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "underway", *args],
            env=self.env(signed_in=signed_in, **extra),
            cwd=BACKEND_DIR,
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def json(self, *args: str, code: int = 0, **extra: str) -> Any:
        done = self._run([*args, "--json"], input=None, signed_in=True, timeout=60, extra=extra)
        assert done.returncode == code, (
            f"exit {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}"
        )
        return json.loads(done.stdout)

    def live(self, *args: str, signed_in: bool = True, **extra: str) -> LiveProcess:
        return LiveProcess(list(args), self.env(signed_in=signed_in, **extra))

    def client(self) -> Client:
        return Client(self.server.base_url, token=self.token)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ThreadedServer]:
    with running_server(sdk_settings(tmp_path)) as srv:
        yield srv


@pytest.fixture
def cli(server: ThreadedServer, tmp_path: Path) -> Cli:
    return Cli(server, tmp_path / "config", server.token_for("alice"))
