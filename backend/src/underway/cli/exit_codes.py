"""Exit codes, documented in docs/cli.md; scripts rely on them."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    OPERATION_UNSUCCESSFUL = 1  # the operation failed, timed out or was cancelled; or a conflict
    USAGE = 2  # bad arguments or invalid parameters
    AUTH = 3
    NOT_FOUND = 4
    BUSY = 5  # rate limited or queue full
    UNREACHABLE = 6  # no answer from the server, or a 503 that is not a full queue
    INTERRUPTED = 130  # Ctrl-C: detached from an operation that goes on, or a command interrupted
