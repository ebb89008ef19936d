"""Errors of the webhooks domain; the API maps them to problem+json (404, 409, 422)."""

from __future__ import annotations

from underway.operations.errors import UnderwayError


class WebhookError(UnderwayError):
    """Base of the webhooks domain's errors."""


class EndpointNotFound(WebhookError):
    def __init__(self, endpoint_id: str) -> None:
        super().__init__(f"No webhook endpoint '{endpoint_id}'")


class DeliveryNotFound(WebhookError):
    def __init__(self, delivery_id: str) -> None:
        super().__init__(f"No webhook delivery '{delivery_id}'")


class EndpointDisabled(WebhookError):
    """Sending to a disabled endpoint was asked for: enable it first."""

    def __init__(self, endpoint_id: str) -> None:
        super().__init__(f"Webhook endpoint '{endpoint_id}' is disabled; enable it first")


class InvalidWebhookUrl(WebhookError):
    """A URL refused by the address policy or malformed; ``field`` locates it in the request."""

    def __init__(self, field: str, msg: str) -> None:
        super().__init__(msg)
        self.field = field
        self.msg = msg
