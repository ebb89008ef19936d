"""The outbox: delivery rows written in the very transaction that records an operation's status
change, so an event is never lost between the database and the network: if the transaction
commits, its deliveries exist; if the process dies after that, another process sends them.

:class:`WebhookOutbox` is a store-writer :class:`~underway.store.writer.transaction.TransitionHook`:
it runs in the writer thread, inside the batch's transaction, and only issues statements there.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, insert, select

from underway.operations.models import OperationEvent
from underway.store.mapping import operation_of
from underway.store.records import OperationRecord
from underway.webhooks.events import EVENT_OF_STATUS, TERMINAL_EVENTS, WebhookEventType, operation_event_body
from underway.webhooks.models import DeliveryStatus
from underway.webhooks.schedule import RetrySchedule
from underway.webhooks.tables import WebhookDeliveryRow, WebhookEndpointRow

ENDPOINTS: Table = WebhookEndpointRow.__table__  # type: ignore[attr-defined]
DELIVERIES: Table = WebhookDeliveryRow.__table__  # type: ignore[attr-defined]

_SUBSCRIBED = select(ENDPOINTS.c.id, ENDPOINTS.c.event_types).where(ENDPOINTS.c.enabled.is_(True))
_SUBSCRIBERS = select(ENDPOINTS.c.owner).where(ENDPOINTS.c.enabled.is_(True)).distinct()


def new_message_id() -> str:
    return "msg_" + secrets.token_hex(16)


def delivery_values(
    *,
    owner: str,
    event_type: WebhookEventType,
    payload: str,
    at: datetime,
    schedule: RetrySchedule,
    endpoint_id: str | None = None,
    url: str | None = None,
    operation_id: str | None = None,
) -> dict[str, Any]:
    return {
        "id": new_message_id(),
        "owner": owner,
        "endpoint_id": endpoint_id,
        "url": url,
        "operation_id": operation_id,
        "event_type": event_type.value,
        "payload": payload,
        "status": DeliveryStatus.PENDING.value,
        "attempts": 0,
        "remaining": schedule.attempts,
        "next_attempt_at": at + timedelta(seconds=schedule.first_delay_s()),
        "lease_token": None,
        "lease_until": None,
        "last_status_code": None,
        "last_error": None,
        "created_at": at,
        "finished_at": None,
    }


class WebhookOutbox:
    def __init__(self, schedule: RetrySchedule, public_url: str) -> None:
        self._schedule = schedule
        self._public_url = public_url
        # Per transaction (the writer thread alone calls the hook): which owners have an enabled
        # endpoint at all, one query, then each such owner's endpoints. A batch of 500 claims or
        # settlements reads them a few times, not 500, and owners without endpoints (most, in
        # most deployments) cost nothing more.
        self._tx: object = None
        self._subscribers: set[str] = set()
        self._subscriptions: dict[str, list[tuple[str, list[str]]]] = {}

    def _endpoints_of(self, conn: Connection, owner: str) -> list[tuple[str, list[str]]]:
        tx = conn.get_transaction()
        if tx is not self._tx:
            self._tx, self._subscriptions = tx, {}
            self._subscribers = set(conn.execute(_SUBSCRIBERS).scalars())
        if owner not in self._subscribers:
            return []
        if owner not in self._subscriptions:
            rows = conn.execute(_SUBSCRIBED.where(ENDPOINTS.c.owner == owner))
            self._subscriptions[owner] = [(endpoint_id, types) for endpoint_id, types in rows]
        return self._subscriptions[owner]

    def on_transition(self, conn: Connection, row: OperationRecord, event: OperationEvent) -> None:
        event_type = EVENT_OF_STATUS.get(event.status)
        if event_type is None:
            return
        endpoints = [
            endpoint_id
            for endpoint_id, subscribed in self._endpoints_of(conn, row.owner)
            if event_type.value in subscribed
        ]
        callback = row.callback_url if event_type in TERMINAL_EVENTS else None
        if not endpoints and callback is None:
            return
        operation = operation_of(row)  # built only for a delivery: most transitions make none
        payload = operation_event_body(event_type, event.ts, operation, self._public_url)
        common: dict[str, Any] = {
            "owner": operation.owner,
            "event_type": event_type,
            "payload": payload,
            "at": event.ts,
            "schedule": self._schedule,
            "operation_id": operation.id,
        }
        rows = [delivery_values(endpoint_id=e, **common) for e in endpoints]
        if callback is not None:
            rows.append(delivery_values(url=callback, **common))
        conn.execute(insert(DELIVERIES), rows)
