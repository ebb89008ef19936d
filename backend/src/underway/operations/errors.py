"""Typed errors of the operations core. Adapters map them: the API to problem+json, the CLI to exit codes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class UnderwayError(Exception):
    """Base of every error the core raises on purpose."""


class WorkflowNotFound(UnderwayError):
    def __init__(self, name: str) -> None:
        super().__init__(f"Unknown workflow '{name}'")
        self.name = name


@dataclass(frozen=True)
class FieldError:
    """One invalid field: ``loc`` is the path inside the params (``["month"]``, ``["rules", 0, "column"]``)."""

    loc: tuple[str | int, ...]
    msg: str
    type: str


class InvalidParams(UnderwayError):
    def __init__(self, workflow: str, errors: Sequence[FieldError]) -> None:
        super().__init__(f"Invalid parameters for workflow '{workflow}'")
        self.workflow = workflow
        self.errors = list(errors)


class InvalidSubmission(UnderwayError):
    """A submission field outside the params is wrong (timeout above the maximum, unknown priority...)."""

    def __init__(self, field: str, msg: str) -> None:
        super().__init__(msg)
        self.field = field
        self.msg = msg


class QueueFull(UnderwayError):
    """The whole queue is at capacity. Transient: retry after ``retry_after_s``."""

    def __init__(self, capacity: int, retry_after_s: int) -> None:
        super().__init__(f"The queue is full ({capacity} operations waiting); retry later")
        self.capacity = capacity
        self.retry_after_s = retry_after_s


class UserQuotaExceeded(UnderwayError):
    """This user has too many operations waiting. Retry after ``retry_after_s``."""

    def __init__(self, owner: str, limit: int, retry_after_s: int) -> None:
        super().__init__(f"You already have {limit} operations waiting; retry when some have started")
        self.owner = owner
        self.limit = limit
        self.retry_after_s = retry_after_s


class IdempotencyConflict(UnderwayError):
    def __init__(self, key: str, existing_id: str) -> None:
        super().__init__(f"Idempotency key '{key}' was already used with a different request")
        self.key = key
        self.existing_id = existing_id


class OperationNotFound(UnderwayError):
    def __init__(self, operation_id: str) -> None:
        super().__init__(f"Operation '{operation_id}' not found")
        self.operation_id = operation_id


class OperationFinished(UnderwayError):
    """A request that needs an active operation (cancel) met a finished one."""

    def __init__(self, operation_id: str, status: str) -> None:
        super().__init__(f"Operation '{operation_id}' has already finished ({status})")
        self.operation_id = operation_id
        self.status = status


class ArtifactNotFound(UnderwayError):
    def __init__(self, operation_id: str, name: str) -> None:
        super().__init__(f"Operation '{operation_id}' has no artifact '{name}'")
        self.operation_id = operation_id
        self.name = name


class WorkerNotFound(UnderwayError):
    def __init__(self, worker_id: str) -> None:
        super().__init__(f"Worker '{worker_id}' not found")
        self.worker_id = worker_id


class WorkerAlive(UnderwayError):
    """Only a gone worker can be deregistered: a live one would simply register again."""

    def __init__(self, worker_id: str, state: str) -> None:
        super().__init__(
            f"Worker '{worker_id}' is {state}: stop its process (or drain it first) before deregistering it"
        )
        self.worker_id = worker_id
        self.state = state


class WorkflowFailure(UnderwayError):
    """Raise from a workflow to fail the operation with a message meant for users (no traceback)."""
