"""Exit codes, documented in docs/cli.md; scripts rely on them."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    OPERATION_UNSUCCESSFUL = 1  # the operation failed, timed out or was cancelled
    USAGE = 2  # bad arguments or invalid parameters
    AUTH = 3
    NOT_FOUND = 4
    BUSY = 5  # rate limited or queue full
    INTERRUPTED = 130  # Ctrl-C
