"""WhatsApp progress: milestones only (the start was the reply; then each new stage; then the
outcome and files), since WhatsApp cannot edit a message and every update would ping the phone.

Free-form messages may only be sent within 24 hours of the user's last message (Meta's customer
service window); outside it a milestone or outcome is not sent, only kept in the chat's history."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from underway.chat.render import split_text, summary
from underway.chat.store import utcnow
from underway.chat.store.followers import Follower
from underway.chat.store.sessions import SessionStore
from underway.chat.whatsapp.client import MAX_DOCUMENT_BYTES, MAX_TEXT, WhatsAppClient
from underway.operations.models import EventType, Operation, OperationEvent
from underway.operations.service import OperationService

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=24)


class WhatsAppNotifier:
    def __init__(
        self,
        client: WhatsAppClient,
        service: OperationService,
        sessions: SessionStore,
        link: Callable[[str], str | None],
    ) -> None:
        self._client = client
        self._service = service
        self._sessions = sessions
        self._link = link

    def wants(self, follower: Follower, event: OperationEvent) -> bool:
        return (
            event.type is EventType.STAGE
            and event.stage_index is not None
            and (follower.stage_index is None or event.stage_index > follower.stage_index)
        )

    def wait_s(self, follower: Follower) -> float:
        return 0.0

    async def _in_window(self, follower: Follower) -> bool:
        last = await self._sessions.last_inbound_at(follower.session_id)
        if last is not None and utcnow() - last < WINDOW:
            return True
        log.info(
            "outside WhatsApp's 24-hour window: kept operation %s's update in history only",
            follower.operation_id,
        )
        return False

    async def show(self, follower: Follower, event: OperationEvent) -> bool:
        assert event.stage_index is not None
        follower.stage_index = event.stage_index
        if await self._in_window(follower):
            text = f"{follower.workflow}: stage {event.stage_index + 1}/{event.total_stages}, {event.stage} ({event.percent:.0f}%)"
            await self._client.send_text(follower.chat_id, text)
        return True

    async def finish(self, follower: Follower, op: Operation) -> str:
        text = summary(op, self._link(op.id))
        if not await self._in_window(follower):
            return text
        for piece in split_text(text, MAX_TEXT):
            await self._client.send_text(follower.chat_id, piece)
        for artifact in op.artifacts:
            path = self._service.artifact_file(op.id, artifact.name)
            if path.is_file() and artifact.size <= MAX_DOCUMENT_BYTES:
                await self._client.send_document(follower.chat_id, path, artifact.name, artifact.media_type)
            else:
                await self._client.send_text(
                    follower.chat_id, f"{artifact.name} is too large; download it in the web app."
                )
        return text
