"""Ctrl-C at a terminal: ``underway run`` asks whether to cancel or detach (in a real pseudo-terminal)."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from tests.cli_remote.conftest import Cli
from tests.support.processes import BACKEND_DIR
from underway.client import OperationStatus


class Terminal:
    """A subprocess whose stdin, stdout and stderr are a pseudo-terminal; its screen output is kept."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        self._master = master
        self.proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=BACKEND_DIR)
        os.close(slave)
        self._text = ""
        self._lock = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self._master, 4096)
            except OSError:
                data = b""
            with self._lock:
                if not data:
                    self._lock.notify_all()
                    return
                self._text += data.decode(errors="replace")
                self._lock.notify_all()

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        with self._lock:
            while text not in self._text:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{text!r} never appeared; screen ends with:\n{self._text[-2000:]}")
                self._lock.wait(remaining)

    def type(self, keys: str) -> None:
        os.write(self._master, keys.encode())

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    @property
    def text(self) -> str:
        with self._lock:
            return self._text


@pytest.fixture
def terminal(cli: Cli) -> Iterator[Terminal]:
    """``underway run demo.sleep`` (slow) at a terminal."""
    env = cli.env(COLUMNS="120", TERM="xterm")
    term = Terminal(
        [sys.executable, "-m", "underway", "run", "demo.sleep", "-p", "steps=2000", "-p", "step_s=0.05"], env
    )
    try:
        yield term
    finally:
        term.close()


def test_ctrl_c_at_a_terminal_asks_and_detach_leaves_it_running(cli: Cli, terminal: Terminal) -> None:
    term = terminal
    term.wait_for("Submitted operation")
    term.wait_for("work 2/3")  # the live bar is up
    op_id = term.text.split("Submitted operation ", 1)[1].split()[0]
    term.proc.send_signal(signal.SIGINT)
    term.wait_for("Cancel the operation, or detach and let it run?")
    term.type("detach\r")
    assert term.proc.wait(30) == 130
    term.wait_for(f"underway ops watch {op_id}")
    with cli.client() as client:
        assert client.get(op_id).status is OperationStatus.RUNNING
        client.cancel(op_id)


def test_ctrl_c_at_a_terminal_can_cancel(cli: Cli, terminal: Terminal) -> None:
    term = terminal
    term.wait_for("work 2/3")
    op_id = term.text.split("Submitted operation ", 1)[1].split()[0]
    term.proc.send_signal(signal.SIGINT)
    term.wait_for("Cancel the operation, or detach and let it run?")
    term.type("\r")  # the default: cancel
    assert term.proc.wait(60) == 130
    term.wait_for("cancelled")
    with cli.client() as client:
        assert client.get(op_id).status is OperationStatus.CANCELLED
