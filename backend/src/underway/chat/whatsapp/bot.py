"""The WhatsApp bot: a signed webhook delivery in, replies out through the Graph API. Messages are
deduplicated on their ``wamid`` before anything runs."""

from __future__ import annotations

import logging
from typing import Any

from underway.chat.bots import BotConversation
from underway.chat.models import Channel, Inbound, Reply
from underway.chat.render import split_text
from underway.chat.store.inbound import InboundLog
from underway.chat.whatsapp.client import MAX_TEXT, WhatsAppClient, WhatsAppError
from underway.chat.whatsapp.webhook import WaMessage, messages

log = logging.getLogger(__name__)

TEXT_ONLY = "I understand text messages only. Send /help to see the commands."


class WhatsAppBot:
    def __init__(self, client: WhatsAppClient, conversation: BotConversation, inbound: InboundLog) -> None:
        self.client = client
        self._conversation = conversation
        self._inbound = inbound

    async def handle(self, payload: dict[str, Any]) -> None:
        for message in messages(payload):
            if not await self._inbound.first_time(Channel.WHATSAPP, message.wamid):
                log.info("ignored a WhatsApp message already taken")
                continue
            try:
                await self._take(message)
            except WhatsAppError as exc:
                log.warning("could not answer a WhatsApp message: %s", exc)

    async def _take(self, message: WaMessage) -> None:
        if message.text is None:
            await self.client.send_text(message.sender, TEXT_ONLY)
            return

        async def deliver(reply: Reply) -> str | None:
            pieces = split_text(reply.text, MAX_TEXT)
            for i, piece in enumerate(pieces):
                await self.client.send_text(
                    message.sender, piece, reply.buttons if i == len(pieces) - 1 else None
                )
            return None

        await self._conversation.answer(
            Inbound(Channel.WHATSAPP, message.sender, message.text, message.name), deliver
        )
