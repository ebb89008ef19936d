"""/operations: submit, list, follow, cancel operations and download their artifacts.

Every id-bearing route is scoped with :func:`underway.api.scoping.owner_scope`: another user's
operation answers 404 exactly like one that does not exist (administrators reach any).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, StreamingResponse

from underway.api.csv_export import CSV_RESPONSE, operations_csv
from underway.api.problems import problem_responses
from underway.api.schemas.operations import (
    MAX_SEQ,
    ArtifactName,
    IdempotencyKey,
    OperationFilters,
    OperationId,
    OperationQuery,
    OperationSubmit,
)
from underway.api.scoping import owner_scope
from underway.api.security import CurrentPrincipal, rate_limit
from underway.api.state import RuntimeDep
from underway.operations.models import Operation, OperationEvent, OperationFilter, OperationPage
from underway.operations.service import OperationService
from underway.store.operations_repo import InvalidCursor

router = APIRouter(prefix="/operations", tags=["operations"], responses=problem_responses(401, 403, 429))

_READ = [Depends(rate_limit("read"))]
EVENT_PAGE_MAX = 1000
# Artifacts are user-produced files: should a browser ever render one, it runs nothing and loads
# nothing (the download is an attachment and nosniff is set globally anyway).
_ARTIFACT_CSP = "sandbox; default-src 'none'"
_BINARY: dict[str, Any] = {"schema": {"type": "string", "format": "binary"}}
SUBMIT_EXAMPLES: dict[str, Any] = {
    "demo": {
        "summary": "A short demo run",
        "value": {
            "workflow": "demo.sleep",
            "params": {"steps": 5, "step_s": 0.2},
            "priority": "normal",
            "metadata": {"ticket": "OPS-1"},
        },
    }
}


@router.post(
    "",
    name="submit",
    summary="Submit an operation",
    status_code=202,
    dependencies=[Depends(rate_limit("submit"))],
    responses={
        **problem_responses(409, 422, 503),
        202: {
            "description": "Accepted and queued (or, for a repeated Idempotency-Key, the operation "
            "created by the first request).",
            "headers": {"Location": {"description": "URL of the operation.", "schema": {"type": "string"}}},
        },
    },
)
async def submit(
    body: Annotated[OperationSubmit, Body(openapi_examples=SUBMIT_EXAMPLES)],
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    runtime: RuntimeDep,
    idempotency_key: IdempotencyKey = None,
) -> Operation:
    """Queue a run of ``workflow`` owned by the caller.

    422 for an unknown workflow or invalid params (field errors located like
    ``["body", "params", "month"]``); 429 when you already have too many operations waiting and
    503 when the whole queue is full, both with ``Retry-After``. A repeated ``Idempotency-Key``
    answers 202 with the operation the first request created, whatever its status now.
    """
    callback_url = body.callback_url
    if callback_url is not None:
        callback_url = await runtime.webhooks.service.check_url(callback_url, "callback_url")
    op = await runtime.service.submit(
        workflow=body.workflow,
        params=body.params,
        owner=principal.username,
        priority=body.priority,
        timeout_s=body.timeout_s,
        metadata=body.metadata,
        idempotency_key=idempotency_key,
        callback_url=callback_url,
    )
    response.headers["Location"] = f"{request.url.path.rstrip('/')}/{op.id}"
    return op


async def list_page(
    service: OperationService, flt: OperationFilter, cursor: str | None, limit: int
) -> OperationPage:
    """A page of operations; a cursor we did not hand out is a 422 on ``cursor``."""
    try:
        return await service.list(flt, cursor=cursor, limit=limit)
    except InvalidCursor:
        raise RequestValidationError(
            [{"loc": ("query", "cursor"), "msg": "Invalid cursor", "type": "value_error"}]
        ) from None


@router.get(
    "", name="list", summary="List your operations", dependencies=_READ, responses=problem_responses(422)
)
async def list_operations(
    query: Annotated[OperationQuery, Query()], principal: CurrentPrincipal, runtime: RuntimeDep
) -> OperationPage:
    """Your operations, newest first (administrators too: everyone's are under /admin/operations)."""
    return await list_page(runtime.service, query.to_filter(principal.username), query.cursor, query.limit)


@router.get(
    "/export",
    name="export",
    summary="Export your operations as CSV",
    dependencies=_READ,
    response_class=StreamingResponse,
    responses={**problem_responses(422), **CSV_RESPONSE},
)
async def export_operations(
    query: Annotated[OperationFilters, Query()], principal: CurrentPrincipal, runtime: RuntimeDep
) -> StreamingResponse:
    """Every operation the same filters list, newest first, as a CSV attachment, streamed."""
    return operations_csv(runtime.service, query.to_filter(principal.username), "operations")


@router.get(
    "/{operation_id}",
    name="get",
    summary="Get an operation",
    dependencies=_READ,
    responses=problem_responses(404, 422),
)
async def get_operation(
    operation_id: OperationId, principal: CurrentPrincipal, runtime: RuntimeDep
) -> Operation:
    return await runtime.service.get(operation_id, owner=owner_scope(principal))


@router.post(
    "/{operation_id}/cancel",
    name="cancel",
    summary="Cancel an operation",
    status_code=202,
    dependencies=_READ,
    responses=problem_responses(404, 409, 422),
)
async def cancel(operation_id: OperationId, principal: CurrentPrincipal, runtime: RuntimeDep) -> Operation:
    """A queued operation is cancelled at once (``cancelled``); a running one is asked to stop
    (``cancelling``) and is stopped by force after the grace period. Cancelling again while it is
    ``cancelling`` is accepted; a finished operation is a 409."""
    return await runtime.service.cancel(operation_id, owner=owner_scope(principal))


@router.get(
    "/{operation_id}/events",
    name="events",
    summary="Read an operation's event log",
    dependencies=_READ,
    responses=problem_responses(404, 422),
)
async def events(
    operation_id: OperationId,
    principal: CurrentPrincipal,
    runtime: RuntimeDep,
    after_seq: Annotated[int, Query(ge=0, le=MAX_SEQ, description="Only events after this seq.")] = 0,
    limit: Annotated[int, Query(ge=1, le=EVENT_PAGE_MAX)] = EVENT_PAGE_MAX,
) -> list[OperationEvent]:
    """Events in ``seq`` order. Page by passing the last ``seq`` received as ``after_seq``."""
    return await runtime.service.events(
        operation_id, after_seq=after_seq, limit=limit, owner=owner_scope(principal)
    )


@router.get(
    "/{operation_id}/artifacts/{name}",
    name="artifact",
    summary="Download an artifact",
    dependencies=_READ,
    response_class=FileResponse,
    responses={
        **problem_responses(404, 422),
        200: {"description": "The file, as an attachment, with its media type.", "content": {"*/*": _BINARY}},
    },
)
async def artifact(
    operation_id: OperationId, name: ArtifactName, principal: CurrentPrincipal, runtime: RuntimeDep
) -> FileResponse:
    info, path = await runtime.service.artifact(operation_id, name, owner=owner_scope(principal))
    return FileResponse(
        path,
        media_type=info.media_type,
        filename=info.name,
        content_disposition_type="attachment",
        headers={"Content-Security-Policy": _ARTIFACT_CSP},
    )
