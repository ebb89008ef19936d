"""How busy the whole machine is (Linux ``/proc/stat``): printed with the figures it may explain,
and waited out between measurements."""

from __future__ import annotations

import sys
import time
from pathlib import Path


def cpu_times() -> tuple[float, float] | None:
    """Busy and total CPU time of the whole machine so far (Linux), to tell how busy it was."""
    try:
        fields = [float(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def busy_since(before: tuple[float, float] | None) -> float | None:
    after = cpu_times()
    if before is None or after is None or after[1] == before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


def wait_for_quiet(busy_below: float = 0.15, window_s: float = 0.25, deadline_s: float = 20.0) -> None:
    """Start a measurement only once the machine is idle again. The system measured before may leave
    work behind it: after Celery's prefork pool exits, for one, the kernel spends up to a core for a
    second or more reclaiming its memory, which the next system would otherwise pay for."""
    stop = time.monotonic() + deadline_s
    while time.monotonic() < stop:
        before = cpu_times()
        time.sleep(window_s)
        busy = busy_since(before)
        if busy is None or busy < busy_below:
            return
    print(f"  (the machine stayed busy for {deadline_s:g} s; measuring anyway)", file=sys.stderr)
