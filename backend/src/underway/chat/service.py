"""The chat interfaces wired together: ``async with ChatService.open(...) as chat`` builds the
stores, the conversation core, the configured bots and the progress followers, resumes followers
left by a previous run, and at exit stops them (their claims released for the next process)."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from underway.chat.bots import BotConversation
from underway.chat.core import ConversationCore, Limiter
from underway.chat.followers import FollowerSupervisor, Notifier
from underway.chat.llm import LanguageModel
from underway.chat.models import Channel, ChatChannels
from underway.chat.store.followers import FollowerStore
from underway.chat.store.inbound import InboundLog
from underway.chat.store.links import LinkStore
from underway.chat.store.sessions import SessionStore
from underway.chat.telegram.bot import TelegramBot
from underway.chat.telegram.client import TelegramClient
from underway.chat.telegram.notifier import TelegramNotifier
from underway.chat.whatsapp.bot import WhatsAppBot
from underway.chat.whatsapp.client import WhatsAppClient
from underway.chat.whatsapp.notifier import WhatsAppNotifier
from underway.operations.service import OperationService
from underway.settings import Settings
from underway.workflows.registry import WorkflowRegistry


def operation_link(public_url: str | None) -> Callable[[str], str | None]:
    if not public_url:
        return lambda _id: None
    base = public_url.rstrip("/")
    return lambda op_id: f"{base}/operations/{op_id}"


@dataclass
class ChatService:
    settings: Settings
    core: ConversationCore
    sessions: SessionStore
    links: LinkStore
    followers: FollowerSupervisor
    telegram: TelegramBot | None
    whatsapp: WhatsAppBot | None

    def channels(self) -> ChatChannels:
        return ChatChannels(
            telegram=self.telegram is not None,
            whatsapp=self.whatsapp is not None,
            language_model=bool(self.settings.llm_base_url),
        )

    @classmethod
    @asynccontextmanager
    async def open(
        cls,
        settings: Settings,
        engine: AsyncEngine,
        service: OperationService,
        registry: WorkflowRegistry,
        limiter: Limiter,
    ) -> AsyncIterator[ChatService]:
        async with AsyncExitStack() as stack:
            link = operation_link(settings.public_url)
            sessions = SessionStore(engine)
            links = LinkStore(engine, settings.chat_link_code_ttl_s)
            inbound = InboundLog(engine)
            llm = None
            if settings.llm_base_url and settings.llm_model:
                key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
                llm = LanguageModel(settings.llm_base_url, settings.llm_model, key, settings.llm_timeout_s)
                stack.push_async_callback(llm.aclose)
            core = ConversationCore(
                service, registry, sessions, links, limiter, language_model=llm, operation_link=link
            )
            notifiers: dict[Channel, Notifier] = {}
            telegram_client = whatsapp_client = None
            if settings.telegram_bot_token is not None:
                telegram_client = TelegramClient(
                    settings.telegram_bot_token.get_secret_value(), settings.telegram_api_base_url
                )
                stack.push_async_callback(telegram_client.aclose)
                notifiers[Channel.TELEGRAM] = TelegramNotifier(
                    telegram_client, service, settings.telegram_edit_interval_s, link
                )
            if settings.whatsapp_access_token is not None and settings.whatsapp_phone_number_id:
                whatsapp_client = WhatsAppClient(
                    settings.whatsapp_access_token.get_secret_value(),
                    settings.whatsapp_phone_number_id,
                    settings.whatsapp_graph_base_url,
                )
                stack.push_async_callback(whatsapp_client.aclose)
                notifiers[Channel.WHATSAPP] = WhatsAppNotifier(whatsapp_client, service, sessions, link)
            owner = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
            followers = FollowerSupervisor(
                service,
                FollowerStore(engine, owner, timedelta(seconds=settings.worker_lease_s)),
                sessions,
                inbound,
                notifiers,
                heartbeat_s=settings.heartbeat_s,
            )
            conversation = BotConversation(core, followers)
            chat = cls(
                settings,
                core,
                sessions,
                links,
                followers,
                TelegramBot(telegram_client, conversation, inbound) if telegram_client else None,
                WhatsAppBot(whatsapp_client, conversation, inbound) if whatsapp_client else None,
            )
            await followers.start()
            stack.push_async_callback(followers.stop)
            yield chat
