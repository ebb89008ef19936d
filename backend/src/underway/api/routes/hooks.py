"""/hooks/{trigger_id}: where external systems deliver to a trigger. No bearer token: the delivery
proves itself with the trigger's scheme (signature or token); see docs/webhooks.md."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.exceptions import HTTPException

from underway.api.problems import problem_responses
from underway.api.ratelimit import RateLimited
from underway.api.schemas.webhooks import ResourceId
from underway.api.state import RuntimeDep, StateDep
from underway.triggers.errors import Throttled
from underway.triggers.models import TriggerAccepted

router = APIRouter(prefix="/hooks", tags=["hooks"])

MAX_HOOK_BODY = 1024 * 1024


@router.post(
    "/{trigger_id}",
    name="deliver",
    summary="Deliver to a trigger",
    status_code=202,
    responses=problem_responses(401, 404, 409, 413, 422, 429, 503),
)
async def deliver(
    trigger_id: ResourceId, request: Request, runtime: RuntimeDep, state: StateDep
) -> TriggerAccepted:
    """Starts the trigger's workflow: 202 with the operation's id. A delivery id seen before
    answers with the operation it created (``duplicate: true``). 401 bad or missing signature or
    a stale timestamp, 404 unknown trigger, 409 disabled trigger (or a delivery id reused with
    another body), 413 body over 1 MiB, 422 a body that does not map to the workflow's parameters,
    429/503 the owner's limits."""
    body = await _bounded_body(request)

    async def admit(owner: str) -> None:
        try:
            await state.limiter.enforce(request, [("submit", owner)])
        except RateLimited as exc:
            raise Throttled(exc.retry_after) from None

    headers = {k.lower(): v for k, v in request.headers.items()}
    return await runtime.triggers.receive(trigger_id, body, headers, admit)


async def _bounded_body(request: Request) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_HOOK_BODY:
            raise HTTPException(413, f"The delivery is larger than {MAX_HOOK_BODY} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
