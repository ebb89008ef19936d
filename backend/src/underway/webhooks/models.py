"""Public views of webhook endpoints, deliveries and attempts (the API, SDK and web app share them)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from underway.views import View
from underway.webhooks.events import WebhookEventType


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # due at next_attempt_at (or being sent)
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # given up: attempts spent, 410 Gone, or the endpoint disabled or deleted


class WebhookEndpoint(View):
    id: str
    owner: str
    url: str
    description: str
    event_types: list[WebhookEventType]
    enabled: bool
    disabled_reason: str | None = Field(None, description="Why it was disabled, when not by its owner.")
    failing_since: datetime | None = Field(
        None, description="First failed delivery since the last success; null while healthy."
    )
    previous_secret_expires_at: datetime | None = Field(
        None, description="Until then deliveries are also signed with the secret before the last rotation."
    )
    created_at: datetime
    updated_at: datetime


class NewSecret(View):
    secret: str = Field(
        description="The signing secret (`whsec_...`). Shown only in this response: store it now."
    )


class NewWebhookEndpoint(WebhookEndpoint):
    secret: str = Field(
        description="The signing secret (`whsec_...`). Shown only in this response: store it now."
    )


class WebhookAttempt(View):
    attempted_at: datetime
    status_code: int | None = Field(None, description="The receiver's HTTP status; null if none came.")
    latency_ms: int
    response_body: str | None = Field(None, description="The start of the receiver's answer (truncated).")
    error: str | None = Field(None, description="Why no answer counted: refused address, timeout, ...")


class WebhookDelivery(View):
    id: str = Field(description="Also the `webhook-id` header of every attempt.")
    owner: str
    endpoint_id: str | None = Field(None, description="Null for a submission's callback_url.")
    url: str = Field(description="Where it is sent.")
    operation_id: str | None
    event_type: WebhookEventType
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None = Field(None, description="While pending.")
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None


class WebhookDeliveryDetail(WebhookDelivery):
    payload: str = Field(description="The exact body sent (the signed JSON event).")
    attempt_log: list[WebhookAttempt]


class Replayed(View):
    resent: int = Field(description="Failed deliveries queued again.")
