"""The Bot API methods Underway uses, over httpx. The token is part of every URL, so URLs are never
logged as they are (see chat/redact.py) and errors carry the method name only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from underway.chat import redact
from underway.chat.models import ChatButton

# Telegram's own limits: message text and a document a bot may send.
MAX_TEXT = 4096
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


class TelegramError(Exception):
    def __init__(self, method: str, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(f"Telegram {method} failed ({code}): {redact.redact(description)}")
        self.code = code
        self.description = description
        self.retry_after = retry_after

    @property
    def not_modified(self) -> bool:
        return self.code == 400 and "message is not modified" in self.description


def keyboard(buttons: list[ChatButton]) -> dict[str, Any] | None:
    """An inline keyboard, one row; the callback data is the command (at most 64 bytes)."""
    if not buttons:
        return None
    return {"inline_keyboard": [[{"text": b.label, "callback_data": b.command[:64]} for b in buttons]]}


class TelegramClient:
    def __init__(self, token: str, base_url: str, timeout_s: float = 30) -> None:
        redact.install()
        self._http = httpx.AsyncClient(base_url=f"{base_url.rstrip('/')}/bot{token}/", timeout=timeout_s)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def call(self, method: str, files: dict[str, Any] | None = None, **params: Any) -> Any:
        payload = {k: v for k, v in params.items() if v is not None}
        try:
            if files:
                data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in payload.items()}
                response = await self._http.post(method, data=data, files=files)
            else:
                response = await self._http.post(method, json=payload)
        except httpx.HTTPError as exc:
            raise TelegramError(method, 0, type(exc).__name__) from None
        try:
            body = response.json()
        except ValueError:
            raise TelegramError(method, response.status_code, "not a JSON answer") from None
        if not body.get("ok"):
            retry = (body.get("parameters") or {}).get("retry_after")
            raise TelegramError(
                method,
                int(body.get("error_code", response.status_code)),
                str(body.get("description", "")),
                retry,
            )
        return body.get("result")

    async def send_message(self, chat_id: str, text: str, buttons: list[ChatButton] | None = None) -> int:
        result = await self.call(
            "sendMessage",
            chat_id=chat_id,
            text=text,
            reply_markup=keyboard(buttons or []),
            link_preview_options={"is_disabled": True},
        )
        return int(result["message_id"])

    async def edit_message_text(
        self, chat_id: str, message_id: str, text: str, buttons: list[ChatButton] | None = None
    ) -> None:
        try:
            await self.call(
                "editMessageText",
                chat_id=chat_id,
                message_id=int(message_id),
                text=text,
                reply_markup=keyboard(buttons or []) or {"inline_keyboard": []},
                link_preview_options={"is_disabled": True},
            )
        except TelegramError as exc:
            if not exc.not_modified:
                raise

    async def send_document(self, chat_id: str, path: Path, filename: str, media_type: str) -> None:
        with path.open("rb") as file:
            await self.call("sendDocument", files={"document": (filename, file, media_type)}, chat_id=chat_id)

    async def answer_callback_query(self, callback_query_id: str, text: str | None = None) -> None:
        await self.call("answerCallbackQuery", callback_query_id=callback_query_id, text=text)

    async def set_webhook(self, url: str, secret_token: str, *, drop_pending_updates: bool = False) -> None:
        await self.call(
            "setWebhook",
            url=url,
            secret_token=secret_token,
            allowed_updates=["message", "callback_query"],
            drop_pending_updates=drop_pending_updates,
        )

    async def delete_webhook(self) -> None:
        await self.call("deleteWebhook")

    async def webhook_info(self) -> dict[str, Any]:
        info = await self.call("getWebhookInfo")
        return dict(info) if isinstance(info, dict) else {}
