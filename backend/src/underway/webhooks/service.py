"""Webhook endpoints and deliveries as users manage them: the one API of the web layer, SDK and CLI.

Owner scoping works as for operations: ``owner=None`` (administrators) reaches everyone's, any
other owner only their own, and someone else's endpoint or delivery is reported as not found.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from underway.webhooks.addresses import AddressPolicy, UnsafeUrl
from underway.webhooks.errors import DeliveryNotFound, EndpointDisabled, EndpointNotFound, InvalidWebhookUrl
from underway.webhooks.events import WebhookEventType, event_body
from underway.webhooks.keys import DEFAULT_OVERLAP_S, SigningKeys
from underway.webhooks.models import (
    DeliveryStatus,
    NewWebhookEndpoint,
    WebhookDelivery,
    WebhookDeliveryDetail,
    WebhookEndpoint,
)
from underway.webhooks.outbox import DELIVERIES, delivery_values
from underway.webhooks.repository import WebhookRepository, endpoint_of
from underway.webhooks.schedule import RetrySchedule


def _now() -> datetime:
    return datetime.now(UTC)


class WebhookService:
    def __init__(
        self,
        repo: WebhookRepository,
        keys: SigningKeys,
        policy: AddressPolicy,
        schedule: RetrySchedule,
        wake: Callable[[], None],
    ) -> None:
        self._repo = repo
        self._keys = keys
        self._policy = policy
        self._schedule = schedule
        self._wake = wake

    async def check_url(self, url: str, field: str = "url") -> str:
        """``url`` if webhooks may be sent there now; InvalidWebhookUrl (422 on ``field``) otherwise."""
        try:
            await self._policy.check(url)
        except UnsafeUrl as exc:
            raise InvalidWebhookUrl(field, str(exc)) from None
        return url

    # -- endpoints -------------------------------------------------------------------------------

    async def create_endpoint(
        self,
        owner: str,
        url: str,
        description: str,
        event_types: Sequence[WebhookEventType],
        enabled: bool = True,
    ) -> NewWebhookEndpoint:
        await self.check_url(url)
        secret, sealed = self._keys.seal_new()
        now = _now()
        values = {
            "id": str(uuid.uuid4()),
            "owner": owner,
            "url": url,
            "description": description,
            "event_types": _event_types(event_types),
            "enabled": enabled,
            "disabled_reason": None,
            "secret": sealed,
            "previous_secret": None,
            "previous_secret_expires_at": None,
            "failing_since": None,
            "created_at": now,
            "updated_at": now,
        }
        await self._repo.insert_endpoint(values)
        return NewWebhookEndpoint(**endpoint_of(values).model_dump(), secret=secret)

    async def endpoints(self, owner: str | None) -> list[WebhookEndpoint]:
        return await self._repo.endpoints(owner)

    async def endpoint(self, endpoint_id: str, owner: str | None) -> WebhookEndpoint:
        return endpoint_of(await self._row(endpoint_id, owner))

    async def update_endpoint(
        self,
        endpoint_id: str,
        owner: str | None,
        *,
        url: str | None = None,
        description: str | None = None,
        event_types: Sequence[WebhookEventType] | None = None,
        enabled: bool | None = None,
    ) -> WebhookEndpoint:
        await self._row(endpoint_id, owner)
        values: dict[str, Any] = {"updated_at": _now()}
        if url is not None:
            values["url"] = await self.check_url(url)
        if description is not None:
            values["description"] = description
        if event_types is not None:
            values["event_types"] = _event_types(event_types)
        if enabled is not None:
            values["enabled"] = enabled
            if enabled:  # a fresh start: the reason and the failure streak are history
                values.update(disabled_reason=None, failing_since=None)
        await self._repo.update_endpoint(endpoint_id, values)
        return await self.endpoint(endpoint_id, owner)

    async def delete_endpoint(self, endpoint_id: str, owner: str | None) -> None:
        await self._row(endpoint_id, owner)
        await self._repo.delete_endpoint(endpoint_id)

    async def rotate_endpoint_secret(
        self, endpoint_id: str, owner: str | None, overlap_s: float = DEFAULT_OVERLAP_S
    ) -> str:
        row = await self._row(endpoint_id, owner)
        now = _now()
        secret, values = self._keys.rotated(row["secret"], now, overlap_s)
        await self._repo.update_endpoint(endpoint_id, {**values, "updated_at": now})
        return secret

    async def rotate_signing_secret(self, owner: str, overlap_s: float = DEFAULT_OVERLAP_S) -> str:
        """The owner's default secret, which signs their submissions' ``callback_url`` deliveries."""
        return await self._keys.rotate_owner_secret(owner, _now(), overlap_s)

    async def _row(self, endpoint_id: str, owner: str | None) -> dict[str, Any]:
        row = await self._repo.endpoint_row(endpoint_id, owner)
        if row is None:
            raise EndpointNotFound(endpoint_id)
        return row

    # -- deliveries ------------------------------------------------------------------------------

    async def send_test(self, endpoint_id: str, owner: str | None) -> WebhookDeliveryDetail:
        """A ``webhook.test`` event to the endpoint, whatever its event types."""
        row = await self._enabled_row(endpoint_id, owner)
        now = _now()
        data = {"message": "A test event from Underway: your endpoint is reachable and verifies signatures."}
        values = delivery_values(
            owner=row["owner"],
            event_type=WebhookEventType.TEST,
            payload=event_body(WebhookEventType.TEST, now, data),
            at=now,
            schedule=RetrySchedule.of([0]),  # one attempt: a test is sent again by pressing again
            endpoint_id=endpoint_id,
        )
        await self._repo.insert_delivery(values)
        self._wake()
        return await self.delivery(values["id"], owner)

    async def deliveries(
        self,
        owner: str | None,
        *,
        endpoint_id: str | None = None,
        operation_id: str | None = None,
        status: DeliveryStatus | None = None,
        limit: int = 100,
    ) -> list[WebhookDelivery]:
        if endpoint_id is not None:
            await self._row(endpoint_id, owner)
        return await self._repo.deliveries(
            owner=owner, endpoint_id=endpoint_id, operation_id=operation_id, status=status, limit=limit
        )

    async def delivery(self, delivery_id: str, owner: str | None) -> WebhookDeliveryDetail:
        found = await self._repo.delivery(delivery_id, owner)
        if found is None:
            raise DeliveryNotFound(delivery_id)
        delivery, payload = found
        attempts = await self._repo.attempts(delivery_id)
        return WebhookDeliveryDetail(**delivery.model_dump(), payload=payload, attempt_log=attempts)

    async def resend(self, delivery_id: str, owner: str | None) -> WebhookDeliveryDetail:
        """One more attempt, now, with the same ``webhook-id``."""
        delivery = await self.delivery(delivery_id, owner)
        if delivery.endpoint_id is not None:
            await self._enabled_row(delivery.endpoint_id, None)
        await self._repo.requeue(DELIVERIES.c.id == delivery_id, _now())
        self._wake()
        return await self.delivery(delivery_id, owner)

    async def replay_failed(self, endpoint_id: str, owner: str | None, since: datetime | None = None) -> int:
        """Every failed delivery of the endpoint (created since ``since``) once more, now."""
        await self._enabled_row(endpoint_id, owner)
        where = (DELIVERIES.c.endpoint_id == endpoint_id) & (
            DELIVERIES.c.status == DeliveryStatus.FAILED.value
        )
        if since is not None:
            where = where & (DELIVERIES.c.created_at >= since)
        count = await self._repo.requeue(where, _now())
        self._wake()
        return count

    async def _enabled_row(self, endpoint_id: str, owner: str | None) -> dict[str, Any]:
        row = await self._row(endpoint_id, owner)
        if not row["enabled"]:
            raise EndpointDisabled(endpoint_id)
        return row


def _event_types(event_types: Sequence[WebhookEventType]) -> list[str]:
    return sorted({WebhookEventType(e).value for e in event_types})
