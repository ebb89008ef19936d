"""The operation lifecycle. Every status change in the code base is checked here and nowhere else."""

from __future__ import annotations

from enum import StrEnum


class OperationStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    CANCELLING = "cancelling"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    TIMED_OUT = "timed_out"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATUSES


TERMINAL_STATUSES = frozenset(
    {
        OperationStatus.COMPLETED,
        OperationStatus.FAILED,
        OperationStatus.CANCELLED,
        OperationStatus.TIMED_OUT,
    }
)
# Not finished yet: waiting, running, or stopping (what "active" counts on dashboards and metrics).
ACTIVE_STATUSES = (OperationStatus.QUEUED, OperationStatus.RUNNING, OperationStatus.CANCELLING)
# Held by a worker: these take a slot of the owner's per-user running limit.
RUNNING_LIKE = frozenset({OperationStatus.RUNNING, OperationStatus.CANCELLING})

_S = OperationStatus
# running -> queued exists only for crash recovery of workflows declared safe to retry.
LEGAL_TRANSITIONS: dict[OperationStatus, frozenset[OperationStatus]] = {
    _S.QUEUED: frozenset({_S.RUNNING, _S.CANCELLED}),
    _S.RUNNING: frozenset({_S.CANCELLING, _S.COMPLETED, _S.FAILED, _S.TIMED_OUT, _S.QUEUED}),
    _S.CANCELLING: frozenset({_S.CANCELLED, _S.COMPLETED, _S.FAILED, _S.TIMED_OUT}),
    _S.COMPLETED: frozenset(),
    _S.FAILED: frozenset(),
    _S.CANCELLED: frozenset(),
    _S.TIMED_OUT: frozenset(),
}


def releases_slot(sources: frozenset[OperationStatus], target: OperationStatus) -> bool:
    """Whether a transition from ``sources`` to ``target`` gives the owner's running slot back.

    The sources must agree (all held by a worker, or none): the caller narrows a mixed set, such as
    the sources of ``cancelled``, with ``only_from``, so the slot count is never a guess."""
    held = sources & RUNNING_LIKE
    if held and held != sources:
        raise ValueError(f"ambiguous transition to {target.value}: narrow its sources with only_from")
    return bool(held) and target not in RUNNING_LIKE


def sources_of(target: OperationStatus) -> frozenset[OperationStatus]:
    """The statuses from which ``target`` may be reached (used for compare-and-set updates)."""
    return frozenset(s for s, targets in LEGAL_TRANSITIONS.items() if target in targets)
