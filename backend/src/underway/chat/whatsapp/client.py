"""The Graph API calls the bot makes: text and interactive messages, media upload, documents."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import httpx

from underway.chat.models import ChatButton

log = logging.getLogger(__name__)

MAX_TEXT = 4096
MAX_DOCUMENT_BYTES = 100 * 1024 * 1024
_MAX_BUTTONS = 3  # reply buttons per interactive message
_BUTTON_TITLE = 20


class WhatsAppError(Exception):
    def __init__(self, what: str, status: int, detail: str) -> None:
        super().__init__(f"WhatsApp {what} failed ({status}): {detail}")
        self.status = status


class WhatsAppClient:
    def __init__(self, access_token: str, phone_number_id: str, base_url: str, timeout_s: float = 30) -> None:
        self._http = httpx.AsyncClient(
            base_url=f"{base_url.rstrip('/')}/{phone_number_id}/",
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=timeout_s,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _post(self, what: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = await self._http.post(path, **kwargs)
        except httpx.HTTPError as exc:
            raise WhatsAppError(what, 0, type(exc).__name__) from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code >= 400 or not isinstance(body, dict):
            error = body.get("error", {}) if isinstance(body, dict) else {}
            raise WhatsAppError(what, response.status_code, str(error.get("message", "")))
        return body

    async def _message(self, to: str, payload: dict[str, Any]) -> str | None:
        body = await self._post(
            "message",
            "messages",
            json={"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, **payload},
        )
        messages = body.get("messages") or [{}]
        sent = messages[0].get("id")
        return sent if isinstance(sent, str) else None

    async def send_text(self, to: str, text: str, buttons: list[ChatButton] | None = None) -> str | None:
        if buttons:
            return await self._message(
                to,
                {
                    "type": "interactive",
                    "interactive": {
                        "type": "button",
                        "body": {"text": text[:1024]},
                        "action": {
                            "buttons": [
                                {
                                    "type": "reply",
                                    "reply": {"id": b.command[:256], "title": b.label[:_BUTTON_TITLE]},
                                }
                                for b in buttons[:_MAX_BUTTONS]
                            ]
                        },
                    },
                },
            )
        return await self._message(to, {"type": "text", "text": {"body": text, "preview_url": False}})

    async def send_document(self, to: str, path: Path, filename: str, media_type: str) -> None:
        with path.open("rb") as file:
            uploaded = await self._post(
                "media upload",
                "media",
                data={"messaging_product": "whatsapp", "type": media_type},
                files={"file": (filename, file, media_type)},
            )
        await self._message(
            to, {"type": "document", "document": {"id": uploaded["id"], "filename": filename}}
        )
