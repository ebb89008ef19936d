"""/workflows: the catalogue of what can be submitted."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from underway.api.problems import problem_response, problem_responses
from underway.api.schemas.operations import NAME_MAX, PRINTABLE_PATTERN
from underway.api.security import rate_limit
from underway.api.state import RuntimeDep
from underway.operations.errors import WorkflowNotFound
from underway.problems import ProblemType
from underway.workflows.definition import WorkflowInfo

router = APIRouter(
    prefix="/workflows",
    tags=["workflows"],
    dependencies=[Depends(rate_limit("read"))],
    responses=problem_responses(401, 403, 429),
)


@router.get("", name="list", summary="List workflows")
async def list_workflows(runtime: RuntimeDep) -> list[WorkflowInfo]:
    """Every registered workflow with its stages and the JSON Schema of its parameters."""
    return runtime.service.workflows()


@router.get(
    "/{name}",
    name="get",
    summary="Get a workflow",
    response_model=WorkflowInfo,
    responses=problem_responses(404, 422),
)
async def get_workflow(
    request: Request,
    runtime: RuntimeDep,
    name: Annotated[str, Path(max_length=NAME_MAX, pattern=PRINTABLE_PATTERN)],
) -> WorkflowInfo | Response:
    try:
        return runtime.service.workflow(name)
    except WorkflowNotFound as exc:
        # Not the shared mapping: on submit an unknown workflow is an invalid field (422), here
        # it is the resource itself that does not exist.
        return problem_response(404, type_=ProblemType.NOT_FOUND, detail=str(exc), instance=request.url.path)
