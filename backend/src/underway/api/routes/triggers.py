"""/triggers: your inbound triggers (URL, scheme, secret, parameter mapping) and their deliveries.

Scoped like webhook endpoints: another user's trigger is a 404; administrators reach everyone's
and list everyone's with ``all=true``. Deliveries themselves arrive at /hooks/{trigger_id}.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from underway.api.problems import problem_responses
from underway.api.schemas.webhooks import ResourceId, TriggerCreate, TriggerUpdate
from underway.api.scoping import listing_scope, owner_scope
from underway.api.security import CurrentPrincipal, rate_limit
from underway.api.state import RuntimeDep
from underway.triggers.models import NewTrigger, Trigger, TriggerDelivery
from underway.webhooks.models import NewSecret

router = APIRouter(
    prefix="/triggers",
    tags=["triggers"],
    dependencies=[Depends(rate_limit("read"))],
    responses=problem_responses(401, 403, 429),
)


@router.post("", name="create", summary="Create a trigger", status_code=201, responses=problem_responses(422))
async def create(body: TriggerCreate, principal: CurrentPrincipal, runtime: RuntimeDep) -> NewTrigger:
    """Bound to one workflow; mapped and fixed parameters are checked against its parameters. The
    response is the only time the secret is shown."""
    return await runtime.triggers.create(
        principal.username,
        name=body.name,
        workflow=body.workflow,
        scheme=body.scheme,
        fixed_params=body.fixed_params,
        params_mapping=body.params_mapping,
        enabled=body.enabled,
    )


@router.get("", name="list", summary="List triggers")
async def list_triggers(
    principal: CurrentPrincipal,
    runtime: RuntimeDep,
    all: Annotated[bool, Query(description="Administrators: everyone's, not only yours.")] = False,
) -> list[Trigger]:
    return await runtime.triggers.all(listing_scope(principal, all))


@router.get("/{trigger_id}", name="get", summary="Get a trigger", responses=problem_responses(404, 422))
async def get(trigger_id: ResourceId, principal: CurrentPrincipal, runtime: RuntimeDep) -> Trigger:
    return await runtime.triggers.get(trigger_id, owner_scope(principal))


@router.patch(
    "/{trigger_id}", name="update", summary="Change a trigger", responses=problem_responses(404, 422)
)
async def update(
    trigger_id: ResourceId, body: TriggerUpdate, principal: CurrentPrincipal, runtime: RuntimeDep
) -> Trigger:
    """Only the fields sent change; ``params_mapping: null`` makes the whole delivery the parameters."""
    return await runtime.triggers.update(
        trigger_id, owner_scope(principal), body.model_dump(exclude_unset=True)
    )


@router.delete(
    "/{trigger_id}",
    name="delete",
    summary="Delete a trigger",
    status_code=204,
    response_class=Response,
    responses=problem_responses(404, 422),
)
async def delete(trigger_id: ResourceId, principal: CurrentPrincipal, runtime: RuntimeDep) -> None:
    await runtime.triggers.delete(trigger_id, owner_scope(principal))


@router.post(
    "/{trigger_id}/rotate-secret",
    name="rotateSecret",
    summary="Rotate a trigger's secret",
    responses=problem_responses(404, 422),
)
async def rotate_secret(
    trigger_id: ResourceId, principal: CurrentPrincipal, runtime: RuntimeDep
) -> NewSecret:
    """Effective at once: the old secret stops working."""
    return NewSecret(secret=await runtime.triggers.rotate_secret(trigger_id, owner_scope(principal)))


@router.get(
    "/{trigger_id}/deliveries",
    name="deliveries",
    summary="A trigger's recent deliveries",
    responses=problem_responses(404, 422),
)
async def deliveries(
    trigger_id: ResourceId,
    principal: CurrentPrincipal,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
) -> list[TriggerDelivery]:
    """Newest first, accepted and refused alike (the last 100 are kept)."""
    return await runtime.triggers.deliveries(trigger_id, owner_scope(principal), limit)
