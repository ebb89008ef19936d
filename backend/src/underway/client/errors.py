"""Typed errors of the SDK, one per problem the API reports, all rooted at :class:`UnderwayAPIError`.

Every HTTP error response of the API is an RFC 9457 problem (``application/problem+json``); the
error raised for it carries the parsed :class:`Problem` and its HTTP ``status``. Errors that never
reached a response (:class:`ConnectionFailed`, :class:`StreamError`, :class:`WaitTimeout`) have
``status`` ``None``.
"""

from __future__ import annotations

import contextlib
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError


class FieldProblem(BaseModel):
    """One invalid field of a 422: ``loc`` is its path (``["body", "params", "month"]``)."""

    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """An RFC 9457 problem as the API sends it (extension members are kept)."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str = ""
    status: int | None = None
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldProblem] | None = None
    retry_after: int | None = None

    def extra(self, name: str) -> Any:
        """An extension member such as ``operation_id`` on an idempotency conflict."""
        return (self.model_extra or {}).get(name)


class UnderwayAPIError(Exception):
    """Base of every error the SDK raises. ``status`` and ``problem`` are set when the server answered."""

    def __init__(self, message: str, *, status: int | None = None, problem: Problem | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.problem = problem

    @property
    def detail(self) -> str:
        return str(self)


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

    @property
    def retry_after(self) -> float | None:
        return None if self.problem is None or self.problem.retry_after is None else self.problem.retry_after


class RateLimited(Busy):
    """429: a rate limit or the per-user queued-operations limit was reached."""


class QueueFull(Busy):
    """503: the server's queue is at capacity."""


class ServerError(UnderwayAPIError):
    """5xx other than a full queue: the server failed."""


class ConnectionFailed(UnderwayAPIError):
    """The server could not be reached (or the connection broke before an answer).

    ``request_sent`` is False when the connection could not even be opened: nothing reached the server.
    """

    def __init__(self, message: str, *, request_sent: bool = True) -> None:
        super().__init__(message)
        self.request_sent = request_sent


class StreamError(UnderwayAPIError):
    """The live stream could not be (re)established: the reconnect attempts are used up."""


class WaitTimeout(UnderwayAPIError, TimeoutError):
    """``wait(..., timeout=...)`` ran out before the operation finished (it goes on running)."""


_BY_STATUS: dict[int, type[UnderwayAPIError]] = {
    401: AuthenticationError,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    422: ValidationFailed,
    429: RateLimited,
    503: QueueFull,
}


def error_class(status: int) -> type[UnderwayAPIError]:
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
    return error_class(status)(message, status=status, problem=problem)


def error_for_response(response: httpx.Response) -> UnderwayAPIError:
    return error_for(response.status_code, parse_problem(response))
