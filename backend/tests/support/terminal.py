"""A CLI subprocess on a real pseudo-terminal, as a person would run it (live bars, prompts)."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import threading
import time

from tests.support.processes import BACKEND_DIR

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")


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

    def wait_for_match(self, pattern: str, timeout: float = 30) -> re.Match[str]:
        """The first match of ``pattern`` in the screen output without its colours and cursor moves."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._lock:
            while (found := regex.search(_ANSI.sub("", self._text))) is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{pattern!r} never matched; screen ends with:\n{self._text[-2000:]}")
                self._lock.wait(remaining)
            return found

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
