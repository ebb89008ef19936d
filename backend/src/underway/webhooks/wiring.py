"""The webhooks of one process, built from the settings: outbox hook, delivery loop, service."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from underway.auth.secret import load_secret_key
from underway.settings import Settings
from underway.webhooks.addresses import AddressPolicy
from underway.webhooks.deliverer import Deliverer
from underway.webhooks.keys import SigningKeys
from underway.webhooks.outbox import WebhookOutbox
from underway.webhooks.repository import WebhookRepository
from underway.webhooks.schedule import RetrySchedule
from underway.webhooks.secret_box import SecretBox
from underway.webhooks.sender import Sender
from underway.webhooks.service import WebhookService


@dataclass(frozen=True)
class Webhooks:
    outbox: WebhookOutbox
    deliverer: Deliverer
    service: WebhookService
    box: SecretBox
    policy: AddressPolicy

    @classmethod
    def build(cls, settings: Settings, engine: AsyncEngine) -> Webhooks:
        box = SecretBox(load_secret_key(settings))
        policy = AddressPolicy.of(settings.webhook_allowed_hosts, settings.webhook_allowed_networks)
        schedule = RetrySchedule.of(settings.webhook_retry_schedule_s)
        repo = WebhookRepository(engine)
        keys = SigningKeys(repo, box)
        deliverer = Deliverer(
            repo,
            keys,
            Sender(policy, settings.webhook_timeout_s),
            schedule,
            timeout_s=settings.webhook_timeout_s,
            disable_after_s=settings.webhook_disable_after_s,
        )
        service = WebhookService(repo, keys, policy, schedule, deliverer.wake)
        return cls(WebhookOutbox(schedule, settings.public_url), deliverer, service, box, policy)
