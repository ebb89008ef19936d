"""/admin/workers: the worker registry (who runs, what each can run, alive or not), for administrators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from underway.api.problems import problem_responses
from underway.api.schemas.operations import NAME_MAX, PRINTABLE_PATTERN
from underway.api.security import rate_limit, require_admin
from underway.api.state import RuntimeDep
from underway.queue.registry import WorkerInfo

router = APIRouter(
    prefix="/admin/workers",
    tags=["adminWorkers"],
    dependencies=[Depends(require_admin), Depends(rate_limit("read"))],
    responses=problem_responses(401, 403, 429),
)

WorkerId = Annotated[
    str, Path(max_length=NAME_MAX, pattern=PRINTABLE_PATTERN, description="The worker's id.")
]


@router.get("", name="list", summary="List workers")
async def list_workers(runtime: RuntimeDep) -> list[WorkerInfo]:
    """Every registered worker process, oldest first: alive, late (a heartbeat overdue) or gone (its
    lease lapsed or it stopped; listed for a day). ``running`` is as of its last heartbeat."""
    return await runtime.service.workers()


@router.post("/{worker_id}/drain", name="drain", summary="Drain a worker", responses=problem_responses(404))
async def drain(worker_id: WorkerId, runtime: RuntimeDep) -> WorkerInfo:
    """Stop it claiming new operations; what it runs finishes. Takes effect at its next heartbeat."""
    return await runtime.service.set_draining(worker_id, True)


@router.post(
    "/{worker_id}/resume", name="resume", summary="Resume a drained worker", responses=problem_responses(404)
)
async def resume(worker_id: WorkerId, runtime: RuntimeDep) -> WorkerInfo:
    return await runtime.service.set_draining(worker_id, False)


@router.delete(
    "/{worker_id}",
    name="deregister",
    summary="Deregister a gone worker",
    status_code=204,
    responses=problem_responses(404, 409),
)
async def deregister(worker_id: WorkerId, runtime: RuntimeDep) -> Response:
    """Forget a gone worker now (it would be forgotten after a day), settling what it held by the
    restart policy. A worker that is alive or late is a 409: stop its process first."""
    await runtime.service.deregister(worker_id)
    return Response(status_code=204)
