"""Typed errors of the SDK, one per problem the API reports, all rooted at :class:`UnderwayAPIError`.

Every HTTP error response of the API is an RFC 9457 problem (``application/problem+json``); the
error raised for it carries the parsed :class:`Problem` and its HTTP ``status``. Errors that never
reached a response (:class:`ConnectionFailed`, :class:`StreamError`, :class:`WaitTimeout`) have
``status`` ``None``.
"""

from __future__ import annotations

import contextlib

import httpx
from pydantic import ValidationError

from underway.problems import FieldProblem, Problem, ProblemType


class UnderwayAPIError(Exception):
    """Base of every error the SDK raises. ``status`` and ``problem`` are set when the server answered."""

    def __init__(self, message: str, *, status: int | None = None, problem: Problem | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.problem = problem

    @property
    def detail(self) -> str:
        return str(self)

    @property
    def retry_after(self) -> float | None:
        """Seconds the server asked to wait before trying again (429 and 503), if it said."""
        return None if self.problem is None else self.problem.retry_after


class BadRequest(UnderwayAPIError):
    """Any other 4xx the SDK has no specific class for (400, 405, 413...)."""


class AuthenticationError(UnderwayAPIError):
    """401: no, wrong or expired credentials (or a wrong username or password at login)."""


class PermissionDenied(UnderwayAPIError):
    """403: signed in, but not allowed (an admin route as a user, a disabled account)."""


class NotFound(UnderwayAPIError):
    """404: no such operation, artifact, workflow route, API key or user (or not yours)."""


class Conflict(UnderwayAPIError):
    """409: cancelling a finished operation, reusing an idempotency key differently, a taken username."""


class ValidationFailed(UnderwayAPIError):
    """422: the request was invalid; ``errors`` says which fields (``loc``) and why (``msg``)."""

    @property
    def errors(self) -> list[FieldProblem]:
        return list(self.problem.errors or []) if self.problem else []


class Busy(UnderwayAPIError):
    """Base of the transient refusals: retry after ``retry_after`` seconds."""


class RateLimited(Busy):
    """429: a rate limit or the per-user queued-operations limit was reached."""


class QueueFull(Busy):
    """503: the server's queue is at capacity."""


class ServerError(UnderwayAPIError):
    """5xx other than a full queue: the server (or a proxy in front of it) failed."""


class ServiceUnavailable(ServerError):
    """503 other than a full queue: the server is not ready, or a proxy in front of it has no
    server to forward to (``retry_after`` is set when the answer said when to come back)."""


class ConnectionFailed(UnderwayAPIError):
    """The server could not be reached (or the connection broke before an answer).

    ``request_sent`` is False when the connection could not even be opened: nothing reached the server.
    """

    def __init__(self, message: str, *, request_sent: bool = True) -> None:
        super().__init__(message)
        self.request_sent = request_sent


class StreamError(UnderwayAPIError):
    """The live stream could not be (re)established: the reconnect attempts are used up, or the
    admin stream ended (it does not resume: reload over REST and open it again)."""


class WaitTimeout(UnderwayAPIError, TimeoutError):
    """``wait(..., timeout=...)`` ran out before the operation finished (it goes on running)."""


# The problem's ``type`` says what happened; the status alone does not (a 503 may be a full queue,
# a server that is not ready, or a proxy whose backend is down).
_BY_TYPE: dict[str, type[UnderwayAPIError]] = {
    ProblemType.VALIDATION: ValidationFailed,
    ProblemType.UNAUTHENTICATED: AuthenticationError,
    ProblemType.INVALID_CREDENTIALS: AuthenticationError,
    ProblemType.ACCOUNT_DISABLED: PermissionDenied,
    ProblemType.FORBIDDEN: PermissionDenied,
    ProblemType.NOT_FOUND: NotFound,
    ProblemType.CONFLICT: Conflict,
    ProblemType.RATE_LIMITED: RateLimited,
    ProblemType.QUOTA_EXCEEDED: RateLimited,
    ProblemType.QUEUE_FULL: QueueFull,
    ProblemType.NOT_READY: ServiceUnavailable,
    ProblemType.INTERNAL: ServerError,
}

# For answers without a known problem type: ``about:blank`` problems, or bodies that are not
# problems at all (a proxy's HTML page).
_BY_STATUS: dict[int, type[UnderwayAPIError]] = {
    401: AuthenticationError,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    422: ValidationFailed,
    429: RateLimited,
    503: ServiceUnavailable,
}


def error_class(status: int, problem_type: str | None = None) -> type[UnderwayAPIError]:
    if problem_type in _BY_TYPE:
        return _BY_TYPE[problem_type]
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    return ServerError if status >= 500 else BadRequest


def parse_problem(response: httpx.Response) -> Problem:
    """The response's problem body; a non-problem body (a proxy's HTML page) gives a bare problem."""
    try:
        problem = Problem.model_validate_json(response.content)
    except ValidationError:
        problem = Problem(title=response.reason_phrase, status=response.status_code)
    if problem.retry_after is None and "retry-after" in response.headers:
        with contextlib.suppress(ValueError):  # an HTTP date: we do not rely on clocks agreeing
            problem.retry_after = int(float(response.headers["retry-after"]))
    return problem


def error_for(status: int, problem: Problem) -> UnderwayAPIError:
    message = problem.detail or problem.title or f"HTTP {status}"
    return error_class(status, problem.type)(message, status=status, problem=problem)


def error_for_response(response: httpx.Response) -> UnderwayAPIError:
    return error_for(response.status_code, parse_problem(response))
