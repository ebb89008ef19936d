"""/webhooks: your webhook endpoints, their deliveries and attempts, and your default signing secret.

Ids are scoped like operations (:mod:`underway.api.scoping`): another user's endpoint or delivery
is a 404; administrators reach everyone's, and list everyone's with ``all=true``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from underway.api.problems import problem_responses
from underway.api.schemas.operations import NAME_MAX, PRINTABLE_PATTERN
from underway.api.schemas.webhooks import EndpointCreate, EndpointUpdate, ResourceId, SecretRotation
from underway.api.scoping import listing_scope, owner_scope
from underway.api.security import CurrentPrincipal, rate_limit
from underway.api.state import RuntimeDep
from underway.webhooks.models import (
    DeliveryStatus,
    NewSecret,
    NewWebhookEndpoint,
    Replayed,
    WebhookDelivery,
    WebhookDeliveryDetail,
    WebhookEndpoint,
)

router = APIRouter(
    prefix="/webhooks",
    tags=["webhooks"],
    dependencies=[Depends(rate_limit("read"))],
    responses=problem_responses(401, 403, 429),
)

AllOwners = Annotated[bool, Query(description="Administrators: everyone's, not only yours.")]


@router.post(
    "/endpoints",
    name="create",
    summary="Register a webhook endpoint",
    status_code=201,
    responses=problem_responses(422),
)
async def create(
    body: EndpointCreate, principal: CurrentPrincipal, runtime: RuntimeDep
) -> NewWebhookEndpoint:
    """The URL must resolve to public addresses (see docs/webhooks.md). The response is the only
    time the signing secret is shown."""
    return await runtime.webhooks.service.create_endpoint(
        principal.username, body.url, body.description, body.event_types, body.enabled
    )


@router.get("/endpoints", name="list", summary="List webhook endpoints")
async def list_endpoints(
    principal: CurrentPrincipal, runtime: RuntimeDep, all: AllOwners = False
) -> list[WebhookEndpoint]:
    return await runtime.webhooks.service.endpoints(listing_scope(principal, all))


@router.get(
    "/endpoints/{endpoint_id}",
    name="get",
    summary="Get a webhook endpoint",
    responses=problem_responses(404, 422),
)
async def get(endpoint_id: ResourceId, principal: CurrentPrincipal, runtime: RuntimeDep) -> WebhookEndpoint:
    return await runtime.webhooks.service.endpoint(endpoint_id, owner_scope(principal))


@router.patch(
    "/endpoints/{endpoint_id}",
    name="update",
    summary="Change a webhook endpoint",
    responses=problem_responses(404, 422),
)
async def update(
    endpoint_id: ResourceId, body: EndpointUpdate, principal: CurrentPrincipal, runtime: RuntimeDep
) -> WebhookEndpoint:
    return await runtime.webhooks.service.update_endpoint(
        endpoint_id,
        owner_scope(principal),
        url=body.url,
        description=body.description,
        event_types=body.event_types,
        enabled=body.enabled,
    )


@router.delete(
    "/endpoints/{endpoint_id}",
    name="delete",
    summary="Delete a webhook endpoint",
    status_code=204,
    response_class=Response,
    responses=problem_responses(404, 422),
)
async def delete(endpoint_id: ResourceId, principal: CurrentPrincipal, runtime: RuntimeDep) -> None:
    """With its delivery log; pending deliveries are not sent."""
    await runtime.webhooks.service.delete_endpoint(endpoint_id, owner_scope(principal))


@router.post(
    "/endpoints/{endpoint_id}/rotate-secret",
    name="rotateSecret",
    summary="Rotate an endpoint's signing secret",
    responses=problem_responses(404, 422),
)
async def rotate_secret(
    endpoint_id: ResourceId,
    principal: CurrentPrincipal,
    runtime: RuntimeDep,
    body: SecretRotation | None = None,
) -> NewSecret:
    """The new secret signs from now on; the old one signs too until ``overlap_s`` has passed."""
    overlap = (body or SecretRotation()).overlap_s
    secret = await runtime.webhooks.service.rotate_endpoint_secret(
        endpoint_id, owner_scope(principal), overlap
    )
    return NewSecret(secret=secret)


@router.post(
    "/endpoints/{endpoint_id}/test",
    name="test",
    summary="Send a test event",
    status_code=202,
    responses=problem_responses(404, 409, 422),
)
async def send_test(
    endpoint_id: ResourceId, principal: CurrentPrincipal, runtime: RuntimeDep
) -> WebhookDeliveryDetail:
    """A ``webhook.test`` event, sent once, at once; follow it in the delivery log."""
    return await runtime.webhooks.service.send_test(endpoint_id, owner_scope(principal))


@router.post(
    "/endpoints/{endpoint_id}/replay",
    name="replay",
    summary="Resend an endpoint's failed deliveries",
    status_code=202,
    responses=problem_responses(404, 409, 422),
)
async def replay(endpoint_id: ResourceId, principal: CurrentPrincipal, runtime: RuntimeDep) -> Replayed:
    """Every failed delivery of the endpoint is sent once more, with its own ``webhook-id``."""
    count = await runtime.webhooks.service.replay_failed(endpoint_id, owner_scope(principal))
    return Replayed(resent=count)


@router.get(
    "/deliveries", name="deliveries", summary="List webhook deliveries", responses=problem_responses(404, 422)
)
async def deliveries(
    principal: CurrentPrincipal,
    runtime: RuntimeDep,
    endpoint_id: Annotated[str | None, Query(max_length=NAME_MAX, pattern=PRINTABLE_PATTERN)] = None,
    operation_id: Annotated[str | None, Query(max_length=NAME_MAX, pattern=PRINTABLE_PATTERN)] = None,
    status: DeliveryStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    all: AllOwners = False,
) -> list[WebhookDelivery]:
    """Newest first: an endpoint's (``endpoint_id``), an operation's (``operation_id``, its
    endpoints' and its callback_url's), or all of yours."""
    scope = owner_scope(principal) if endpoint_id or operation_id else listing_scope(principal, all)
    return await runtime.webhooks.service.deliveries(
        scope, endpoint_id=endpoint_id, operation_id=operation_id, status=status, limit=limit
    )


@router.get(
    "/deliveries/{delivery_id}",
    name="delivery",
    summary="Get a delivery and its attempts",
    responses=problem_responses(404, 422),
)
async def delivery(
    delivery_id: ResourceId, principal: CurrentPrincipal, runtime: RuntimeDep
) -> WebhookDeliveryDetail:
    return await runtime.webhooks.service.delivery(delivery_id, owner_scope(principal))


@router.post(
    "/deliveries/{delivery_id}/resend",
    name="resend",
    summary="Resend a delivery",
    status_code=202,
    responses=problem_responses(404, 409, 422),
)
async def resend(
    delivery_id: ResourceId, principal: CurrentPrincipal, runtime: RuntimeDep
) -> WebhookDeliveryDetail:
    """One more attempt, now, with the same ``webhook-id`` (receivers deduplicate on it)."""
    return await runtime.webhooks.service.resend(delivery_id, owner_scope(principal))


@router.post(
    "/signing-secret/rotate",
    name="rotateSigningSecret",
    summary="Rotate your default signing secret",
    responses=problem_responses(422),
)
async def rotate_signing_secret(
    principal: CurrentPrincipal, runtime: RuntimeDep, body: SecretRotation | None = None
) -> NewSecret:
    """Your default secret signs the ``callback_url`` webhooks of your submissions. The first call
    makes it; later calls replace it, the old one signing too for ``overlap_s``."""
    overlap = (body or SecretRotation()).overlap_s
    return NewSecret(secret=await runtime.webhooks.service.rotate_signing_secret(principal.username, overlap))
