"""Running the real ``underway`` command in a subprocess and reading its output as it comes."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from queue import Empty, Queue
from typing import IO

BACKEND_DIR = Path(__file__).resolve().parents[2]


def cli_env(data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNDERWAY_")}
    env.update(
        {
            "UNDERWAY_DATA_DIR": str(data_dir),
            "UNDERWAY_DATABASE_URL": database_url,
            "UNDERWAY_WORKFLOW_MODULES": '["tests.support.workflows"]',
            "PYTHONPATH": str(BACKEND_DIR),
            "COLUMNS": "200",
            # Never pick up a developer's `underway login`: these runs are local.
            "UNDERWAY_CONFIG_DIR": str(data_dir / "config"),
        }
    )
    env.update(extra)
    return env


def run_cli(args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "underway", *args],
        env=env,
        cwd=BACKEND_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class LiveProcess:
    """A CLI subprocess whose stderr lines can be awaited (with a deadline) while it runs."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "underway", *args],
            env=env,
            cwd=BACKEND_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._queue: Queue[str] = Queue()
        self._stdout: list[str] = []
        assert self.proc.stderr is not None
        assert self.proc.stdout is not None
        # Each pipe has its own reader, so neither can fill up and block the process, and no other
        # reader (such as communicate()) can take lines that the tests wait for.
        self._readers = [
            threading.Thread(target=self._pump, args=(self.proc.stderr, self._queue.put), daemon=True),
            threading.Thread(target=self._pump, args=(self.proc.stdout, self._stdout.append), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _pump(stream: IO[str], put: Callable[[str], None]) -> None:
        for line in stream:
            put(line)

    def wait_for_line(self, predicate: Callable[[str], bool], timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no matching line within {timeout} s; got: {self.lines}")
            try:
                line = self._queue.get(timeout=remaining).rstrip("\n")
            except Empty:
                continue
            self.lines.append(line)
            if predicate(line):
                return line

    def finish(self, timeout: float = 30) -> tuple[int, str]:
        """Wait for the exit; returns the exit code and all of stdout, with every stderr line in ``lines``."""
        code = self.proc.wait(timeout=timeout)
        for reader in self._readers:  # both pipes read to their end
            reader.join(timeout=timeout)
        while not self._queue.empty():
            self.lines.append(self._queue.get().rstrip("\n"))
        return code, "".join(self._stdout)
