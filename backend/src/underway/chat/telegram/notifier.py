"""Telegram progress: one message per operation, edited in place with stage, percent and ETA.

Edits to one chat are spaced by ``UNDERWAY_TELEGRAM_EDIT_INTERVAL_S`` (Telegram allows about one
message per second per chat); in between only the newest state is kept, and the final state is
always shown. A 429 from Telegram pushes the next edit back by its ``retry_after``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from underway.chat.core import cancel_button
from underway.chat.render import progress_block, split_text, summary
from underway.chat.store.followers import Follower
from underway.chat.telegram.client import MAX_DOCUMENT_BYTES, MAX_TEXT, TelegramClient, TelegramError
from underway.operations.models import EventType, Operation, OperationEvent
from underway.operations.service import OperationService

T = TypeVar("T")
_MAX_WAIT_S = 30
_ATTEMPTS = 3


async def retrying(make: Callable[[], Awaitable[T]]) -> T:
    """Call the Bot API, waiting out a 429's ``retry_after`` a few times."""
    for _ in range(_ATTEMPTS - 1):
        try:
            return await make()
        except TelegramError as exc:
            if not exc.retry_after:
                raise
            await asyncio.sleep(min(exc.retry_after, _MAX_WAIT_S))
    return await make()


class TelegramNotifier:
    def __init__(
        self,
        client: TelegramClient,
        service: OperationService,
        interval_s: float,
        link: Callable[[str], str | None],
    ) -> None:
        self._client = client
        self._service = service
        self._interval_s = interval_s
        self._link = link
        self._next_edit: dict[str, float] = {}  # chat id -> monotonic time it may be written again

    def wants(self, follower: Follower, event: OperationEvent) -> bool:
        return event.type is not EventType.LOG

    def wait_s(self, follower: Follower) -> float:
        return max(0.0, self._next_edit.get(follower.chat_id, 0.0) - time.monotonic())

    def _space(self, chat_id: str, at_least_s: float = 0.0) -> None:
        self._next_edit[chat_id] = time.monotonic() + max(self._interval_s, at_least_s)

    async def show(self, follower: Follower, event: OperationEvent) -> bool:
        text = progress_block(
            follower.workflow, follower.operation_id, event.status, event, self._link(follower.operation_id)
        )
        buttons = [cancel_button(follower.operation_id)]
        try:
            if follower.message_ref is None:
                follower.message_ref = str(await self._client.send_message(follower.chat_id, text, buttons))
            else:
                await self._client.edit_message_text(follower.chat_id, follower.message_ref, text, buttons)
        except TelegramError as exc:
            if exc.retry_after:
                self._space(follower.chat_id, exc.retry_after)
                return False
            raise
        self._space(follower.chat_id)
        return True

    async def finish(self, follower: Follower, op: Operation) -> str:
        chat = follower.chat_id
        text = summary(op, self._link(op.id))
        if follower.message_ref is not None:
            # The progress message shows the final state, without its Cancel button.
            final = progress_block(op.workflow, op.id, op.status, op.progress, None)
            ref = follower.message_ref
            await retrying(lambda: self._client.edit_message_text(chat, ref, final))
        for piece in split_text(text, MAX_TEXT):
            await retrying(lambda piece=piece: self._client.send_message(chat, piece))  # type: ignore[misc]
        for artifact in op.artifacts:
            path = self._service.artifact_file(op.id, artifact.name)
            if not path.is_file() or artifact.size > MAX_DOCUMENT_BYTES:
                note = f"{artifact.name} is too large for Telegram; download it in the web app."
                await retrying(lambda note=note: self._client.send_message(chat, note))  # type: ignore[misc]
                continue
            await retrying(
                lambda path=path, a=artifact: self._client.send_document(chat, path, a.name, a.media_type)  # type: ignore[misc]
            )
        return text
