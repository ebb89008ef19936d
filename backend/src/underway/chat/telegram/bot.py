"""The Telegram bot: one webhook update in, replies out through the Bot API.

Private chats only: a chat is linked to one Underway account, and in a group everyone would act
as that account. Updates are deduplicated on ``update_id`` before anything runs."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError

from underway.chat.bots import BotConversation
from underway.chat.models import Channel, Inbound, Reply
from underway.chat.render import split_text
from underway.chat.store.inbound import InboundLog
from underway.chat.telegram.client import MAX_TEXT, TelegramClient, TelegramError
from underway.chat.telegram.updates import TgUpdate

log = logging.getLogger(__name__)

PRIVATE_ONLY = "I only work in private chats: open a chat with me directly."
TEXT_ONLY = "I understand text messages only. Send /help to see the commands."


class TelegramBot:
    def __init__(self, client: TelegramClient, conversation: BotConversation, inbound: InboundLog) -> None:
        self.client = client
        self._conversation = conversation
        self._inbound = inbound

    async def handle(self, payload: dict[str, Any]) -> None:
        """Take one update. Never raises for Telegram's sake: a failed answer is logged, and the
        update is not redelivered (it was recorded as taken first)."""
        try:
            update = TgUpdate.model_validate(payload)
        except ValidationError:
            log.warning("ignored a Telegram update of an unexpected shape")
            return
        if not await self._inbound.first_time(Channel.TELEGRAM, str(update.update_id)):
            log.info("ignored Telegram update %s: already taken", update.update_id)
            return
        try:
            await self._take(update)
        except TelegramError as exc:
            log.warning("could not answer Telegram update %s: %s", update.update_id, exc)

    async def _take(self, update: TgUpdate) -> None:
        if update.callback_query is not None:
            query = update.callback_query
            await self.client.answer_callback_query(query.id)
            message = query.message
            if message is None or not query.data or message.chat.type != "private":
                return
            inbound = Inbound(Channel.TELEGRAM, str(message.chat.id), query.data, query.sender.display_name)
        elif update.message is not None:
            message = update.message
            chat_id = str(message.chat.id)
            if message.chat.type != "private":
                await self.client.send_message(chat_id, PRIVATE_ONLY)
                return
            if not message.text:
                await self.client.send_message(chat_id, TEXT_ONLY)
                return
            name = message.sender.display_name if message.sender else None
            inbound = Inbound(Channel.TELEGRAM, chat_id, message.text, name)
        else:
            return

        async def deliver(reply: Reply) -> str | None:
            pieces = split_text(reply.text, MAX_TEXT)
            sent = None
            for i, piece in enumerate(pieces):
                last = i == len(pieces) - 1
                sent = await self.client.send_message(inbound.chat_id, piece, reply.buttons if last else None)
            return None if sent is None else str(sent)

        await self._conversation.answer(inbound, deliver)
