"""Liveness and readiness probes (no authentication)."""

from __future__ import annotations

import asyncio
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from underway.api.problems import problem_response, problem_responses
from underway.api.state import RuntimeDep
from underway.problems import ProblemType

router = APIRouter(prefix="/health", tags=["health"])

READY_TIMEOUT_S = 5.0
RETRY_AFTER_S = 5


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(Health):
    checks: dict[str, bool]


@router.get("", name="live", summary="Liveness")
async def live() -> Health:
    """The process answers HTTP."""
    return Health()


@router.get(
    "/ready",
    name="ready",
    summary="Readiness",
    response_model=Readiness,
    responses=problem_responses(503),
)
async def ready(request: Request, runtime: RuntimeDep) -> Response:
    """The database answers and the dispatcher runs; 503 problem (with ``checks``) otherwise."""
    try:
        checks = await asyncio.wait_for(runtime.ready(), READY_TIMEOUT_S)
    except TimeoutError:
        checks = {"database": False, "dispatcher": runtime.dispatcher.is_running}
    if all(checks.values()):
        return JSONResponse(Readiness(checks=checks).model_dump())
    failing = ", ".join(name for name, ok in checks.items() if not ok)
    return problem_response(
        503,
        type_=ProblemType.NOT_READY,
        title="Not ready",
        detail=f"Failing checks: {failing}",
        instance=request.url.path,
        retry_after=RETRY_AFTER_S,
        extra={"checks": checks},
    )
