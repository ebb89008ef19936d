"""A live API server with Telegram, WhatsApp and a language model configured against fakes on
127.0.0.1 (tests/chat/fakes.py), and helpers that act like Telegram, Meta and users.

These flows run on SQLite only: what depends on the database (dedupe, sessions, link codes,
follower claims) is covered on SQLite and PostgreSQL by test_chat_store.py."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.conftest import LiveServer, bearer, start_server
from tests.chat.fakes import FakeGraph, FakeLanguageModel, FakeTelegram, serving
from underway.chat.whatsapp.signature import sign
from underway.operations.models import Operation
from underway.settings import Settings

BOT_TOKEN = "123456:TEST-bot-token_secret"
WEBHOOK_SECRET = "hook-secret_123"
WA_TOKEN = "wa-access-token"
WA_SECRET = "wa-app-secret"
WA_VERIFY = "wa-verify-token"
PHONE_ID = "1098765"

_ids = itertools.count(1000)


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'db' / 'underway.db'}"


@pytest.fixture
def fake_telegram() -> Iterator[tuple[FakeTelegram, str]]:
    fake = FakeTelegram(BOT_TOKEN)
    with serving(fake.app()) as url:
        yield fake, url


@pytest.fixture
def fake_graph() -> Iterator[tuple[FakeGraph, str]]:
    fake = FakeGraph(WA_TOKEN)
    with serving(fake.app()) as url:
        yield fake, url + "/v21.0"


@pytest.fixture
def fake_llm() -> Iterator[tuple[FakeLanguageModel, str]]:
    fake = FakeLanguageModel()
    with serving(fake.app()) as url:
        yield fake, url + "/v1"


@pytest.fixture
def chat_settings(
    settings_factory: Callable[..., Settings],
    fake_telegram: tuple[FakeTelegram, str],
    fake_graph: tuple[FakeGraph, str],
    fake_llm: tuple[FakeLanguageModel, str],
) -> Settings:
    return settings_factory(
        workers=2,
        public_url="https://underway.example.com",
        telegram_bot_token=BOT_TOKEN,
        telegram_webhook_secret=WEBHOOK_SECRET,
        telegram_api_base_url=fake_telegram[1],
        telegram_edit_interval_s=0.2,
        whatsapp_access_token=WA_TOKEN,
        whatsapp_app_secret=WA_SECRET,
        whatsapp_verify_token=WA_VERIFY,
        whatsapp_phone_number_id=PHONE_ID,
        whatsapp_graph_base_url=fake_graph[1],
        llm_base_url=fake_llm[1],
        llm_model="test-model",
        rate_limit_chat="12/minute",
    )


@dataclass
class ChatWorld:
    server: LiveServer
    telegram: FakeTelegram
    graph: FakeGraph
    llm: FakeLanguageModel

    async def token(self, username: str) -> str:
        return await self.server.token_for(username)

    async def link_code(self, token: str) -> str:
        async with self.server.client(token) as c:
            r = await c.post("/chat/link-codes")
        assert r.status_code == 201, r.text
        code = r.json()["code"]
        assert isinstance(code, str)
        return code

    # -- Telegram ---------------------------------------------------------------------------------

    async def telegram_post(
        self, update: dict[str, Any], secret: str | None = WEBHOOK_SECRET
    ) -> httpx.Response:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with httpx.AsyncClient(base_url=self.server.api_url, timeout=30) as c:
            return await c.post("/chat/telegram", json=update, headers=headers)

    @staticmethod
    def message_update(chat_id: int, text: str, update_id: int | None = None) -> dict[str, Any]:
        return {
            "update_id": update_id if update_id is not None else next(_ids),
            "message": {
                "message_id": next(_ids),
                "date": 1767000000,
                "chat": {"id": chat_id, "type": "private", "first_name": "Ann"},
                "from": {"id": chat_id, "is_bot": False, "first_name": "Ann", "username": "ann"},
                "text": text,
            },
        }

    async def say(self, chat_id: int, text: str) -> str:
        """Send a Telegram message and return the bot's (last) reply."""
        before = len(self.telegram.texts(chat_id))
        r = await self.telegram_post(self.message_update(chat_id, text))
        assert r.status_code == 200, r.text
        calls = await self.telegram.until(lambda _c: len(self.telegram.texts(chat_id)) > before)
        assert calls
        return self.telegram.texts(chat_id)[-1]

    async def press(self, chat_id: int, message_id: int, data: str) -> None:
        update = {
            "update_id": next(_ids),
            "callback_query": {
                "id": str(next(_ids)),
                "from": {"id": chat_id, "is_bot": False, "first_name": "Ann"},
                "message": {
                    "message_id": message_id,
                    "date": 1767000000,
                    "chat": {"id": chat_id, "type": "private"},
                },
                "chat_instance": "1",
                "data": data,
            },
        }
        r = await self.telegram_post(update)
        assert r.status_code == 200, r.text

    async def link_telegram(self, username: str, chat_id: int) -> str:
        token = await self.token(username)
        reply = await self.say(chat_id, f"/link {await self.link_code(token)}")
        assert f"acts as {username}" in reply
        return token

    # -- WhatsApp ---------------------------------------------------------------------------------

    @staticmethod
    def whatsapp_payload(sender: str, text: str, wamid: str | None = None) -> dict[str, Any]:
        message: dict[str, Any] = {
            "from": sender,
            "id": wamid or f"wamid.in{next(_ids)}",
            "timestamp": "1767000000",
        }
        if text.startswith("/cancel ") and len(text) > 40:
            message |= {
                "type": "interactive",
                "interactive": {"type": "button_reply", "button_reply": {"id": text, "title": "Cancel"}},
            }
        else:
            message |= {"type": "text", "text": {"body": text}}
        value = {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550000000", "phone_number_id": PHONE_ID},
            "contacts": [{"profile": {"name": "Bea"}, "wa_id": sender}],
            "messages": [message],
        }
        return {
            "object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"value": value, "field": "messages"}]}],
        }

    async def whatsapp_post(self, payload: dict[str, Any], secret: str = WA_SECRET) -> httpx.Response:
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(secret, body)}
        async with httpx.AsyncClient(base_url=self.server.api_url, timeout=30) as c:
            return await c.post("/chat/whatsapp", content=body, headers=headers)

    async def wa_say(self, sender: str, text: str) -> str:
        before = len(self.graph.texts(sender))
        r = await self.whatsapp_post(self.whatsapp_payload(sender, text))
        assert r.status_code == 200, r.text
        await self.graph.until(lambda _c: len(self.graph.texts(sender)) > before)
        return self.graph.texts(sender)[-1]

    # -- the core, for assertions -------------------------------------------------------------------

    async def operations_of(self, token: str) -> list[Operation]:
        async with self.server.client(token) as c:
            r = await c.get("/operations")
        assert r.status_code == 200, r.text
        return [Operation.model_validate(o) for o in r.json()["items"]]

    async def web(self, token: str) -> httpx.AsyncClient:
        return self.server.client(token)


@pytest.fixture
async def world(
    chat_settings: Settings,
    fake_telegram: tuple[FakeTelegram, str],
    fake_graph: tuple[FakeGraph, str],
    fake_llm: tuple[FakeLanguageModel, str],
) -> AsyncIterator[ChatWorld]:
    async with start_server(chat_settings) as server:
        yield ChatWorld(server, fake_telegram[0], fake_graph[0], fake_llm[0])


__all__ = ["ChatWorld", "bearer"]
