"""Exception handlers: every error the API can raise becomes a problem+json response.

Unexpected exceptions are not handled here but by
:class:`underway.api.middleware.errors.UnhandledErrorMiddleware`, so the outer middleware (metrics,
headers, CORS) still sees a normal 500 response.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from underway.api.problems import problem_response
from underway.api.ratelimit import RateLimited
from underway.auth import errors as auth
from underway.chat.store.links import LinkNotFound
from underway.chat.store.sessions import SessionNotFound
from underway.operations import errors as core
from underway.problems import FieldProblem, ProblemType
from underway.triggers import errors as triggers
from underway.webhooks import errors as webhooks

log = logging.getLogger(__name__)

BEARER_CHALLENGE = "Bearer"
INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"'  # noqa: S105 (RFC 6750 challenge)


class NotAuthenticated(Exception):
    """No bearer credentials on a request that needs them."""


def _loc(*parts: Any) -> list[str | int]:
    return [p if isinstance(p, int) else str(p) for p in parts]


async def _validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    # Only loc/msg/type: pydantic's "input" would echo what was sent, passwords included.
    errors = [
        FieldProblem(loc=_loc(*e.get("loc", ())), msg=str(e.get("msg", "")), type=str(e["type"]))
        for e in exc.errors()
    ]
    return _validation_problem(request, errors)


def _validation_problem(request: Request, errors: Sequence[FieldProblem]) -> Response:
    return problem_response(
        422,
        type_=ProblemType.VALIDATION,
        title="Invalid request",
        detail="; ".join(f"{'.'.join(map(str, e.loc))}: {e.msg}" for e in errors) or None,
        instance=request.url.path,
        errors=list(errors),
    )


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail: str | None = exc.detail if isinstance(exc.detail, str) else None
    if detail == HTTPStatus(exc.status_code).phrase:  # Starlette's defaults say nothing more
        detail = {
            404: f"Nothing here: {request.url.path}",
            405: f"{request.method} is not allowed on {request.url.path}",
        }.get(exc.status_code)
    return problem_response(
        exc.status_code, detail=detail, instance=request.url.path, headers=dict(exc.headers or {})
    )


async def _not_authenticated(request: Request, exc: Exception) -> Response:
    return problem_response(
        401,
        type_=ProblemType.UNAUTHENTICATED,
        title="Authentication required",
        detail="Send 'Authorization: Bearer <access token or API key>'",
        instance=request.url.path,
        headers={"WWW-Authenticate": BEARER_CHALLENGE},
    )


async def _rate_limited(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RateLimited)
    return problem_response(
        429,
        type_=ProblemType.RATE_LIMITED,
        title="Too many requests",
        detail=f"Rate limit '{exc.policy}' exceeded; retry in {exc.retry_after} s",
        instance=request.url.path,
        retry_after=exc.retry_after,
    )


async def _auth_error(request: Request, exc: Exception) -> Response:
    path, msg = request.url.path, str(exc)
    if isinstance(exc, auth.InvalidToken):
        log.info("rejected bearer credentials on %s: %s", path, exc.reason)
        return problem_response(
            401,
            type_=ProblemType.UNAUTHENTICATED,
            title="Invalid credentials",
            detail=msg,
            instance=path,
            headers={"WWW-Authenticate": INVALID_TOKEN_CHALLENGE},
        )
    if isinstance(exc, auth.InvalidCredentials):
        return problem_response(
            401,
            type_=ProblemType.INVALID_CREDENTIALS,
            title="Invalid credentials",
            detail=msg,
            instance=path,
            headers={"WWW-Authenticate": BEARER_CHALLENGE},
        )
    if isinstance(exc, auth.InvalidUserInput):
        return _validation_problem(
            request, [FieldProblem(loc=_loc("body", exc.field), msg=exc.msg, type="value_error")]
        )
    status, type_ = _AUTH_STATUS.get(type(exc), (400, ProblemType.BLANK))
    return problem_response(status, type_=type_, detail=msg, instance=path)


_AUTH_STATUS: dict[type[Exception], tuple[int, ProblemType]] = {
    auth.AccountDisabled: (403, ProblemType.ACCOUNT_DISABLED),
    auth.PermissionDenied: (403, ProblemType.FORBIDDEN),
    auth.UserNotFound: (404, ProblemType.NOT_FOUND),
    auth.ApiKeyNotFound: (404, ProblemType.NOT_FOUND),
    auth.UsernameTaken: (409, ProblemType.CONFLICT),
    auth.SelfLockout: (409, ProblemType.CONFLICT),
}


async def _core_error(request: Request, exc: Exception) -> Response:
    path, msg = request.url.path, str(exc)
    if isinstance(exc, triggers.TriggerRefusal | webhooks.WebhookError):
        return _integration_error(request, exc)
    if isinstance(exc, core.WorkflowNotFound):
        errors = [FieldProblem(loc=["body", "workflow"], msg=msg, type="workflow_not_found")]
        return _validation_problem(request, errors)
    if isinstance(exc, core.InvalidParams):
        errors = [
            FieldProblem(loc=_loc("body", "params", *e.loc), msg=e.msg, type=e.type) for e in exc.errors
        ]
        return _validation_problem(request, errors)
    if isinstance(exc, core.InvalidSubmission):
        errors = [FieldProblem(loc=_loc("body", exc.field), msg=exc.msg, type="value_error")]
        return _validation_problem(request, errors)
    if isinstance(exc, core.QueueFull):
        return problem_response(
            503, type_=ProblemType.QUEUE_FULL, detail=msg, instance=path, retry_after=exc.retry_after_s
        )
    if isinstance(exc, core.UserQuotaExceeded):
        return problem_response(
            429, type_=ProblemType.QUOTA_EXCEEDED, detail=msg, instance=path, retry_after=exc.retry_after_s
        )
    if isinstance(exc, core.IdempotencyConflict):
        return problem_response(
            409,
            type_=ProblemType.CONFLICT,
            detail=msg,
            instance=path,
            extra={"operation_id": exc.existing_id},
        )
    if isinstance(exc, core.OperationNotFound | core.ArtifactNotFound | core.WorkerNotFound):
        return problem_response(404, type_=ProblemType.NOT_FOUND, detail=msg, instance=path)
    if isinstance(exc, core.OperationFinished | core.WorkerAlive):
        return problem_response(409, type_=ProblemType.CONFLICT, detail=msg, instance=path)
    # A core error raised on purpose carries a message meant for users; one without a mapping here
    # is still better answered as a client error than as a 500.
    log.warning("no problem mapping for %s; answering 400", type(exc).__name__)
    return problem_response(400, detail=msg, instance=path)


async def _chat_not_found(request: Request, exc: Exception) -> Response:
    return problem_response(404, type_=ProblemType.NOT_FOUND, detail=str(exc), instance=request.url.path)


def _integration_error(request: Request, exc: Exception) -> Response:
    """Webhook and trigger errors: each kind has its status and problem type."""
    path, msg = request.url.path, str(exc)
    if isinstance(exc, webhooks.InvalidWebhookUrl | triggers.InvalidTrigger):
        errors = [FieldProblem(loc=_loc("body", exc.field), msg=exc.msg, type="value_error")]
        return _validation_problem(request, errors)
    if isinstance(exc, triggers.Unmappable):
        errors = [FieldProblem(loc=["body"], msg=msg, type="unmappable")]
        return _validation_problem(request, errors)
    if isinstance(exc, triggers.TriggerRefusal):
        retry_after = exc.retry_after_s if isinstance(exc, triggers.Throttled) else None
        return problem_response(
            exc.status, type_=exc.problem, detail=msg, instance=path, retry_after=retry_after
        )
    if isinstance(exc, webhooks.EndpointDisabled):
        return problem_response(409, type_=ProblemType.DISABLED, detail=msg, instance=path)
    return problem_response(404, type_=ProblemType.NOT_FOUND, detail=msg, instance=path)


Handler = Callable[[Request, Exception], Awaitable[Response]]


def register_exception_handlers(app: FastAPI) -> None:
    handlers: dict[type[Exception], Handler] = {
        RequestValidationError: _validation,
        HTTPException: _http,
        NotAuthenticated: _not_authenticated,
        RateLimited: _rate_limited,
        auth.AuthError: _auth_error,
        core.UnderwayError: _core_error,
        SessionNotFound: _chat_not_found,
        LinkNotFound: _chat_not_found,
    }
    for exc_type, handler in handlers.items():
        app.add_exception_handler(exc_type, handler)
