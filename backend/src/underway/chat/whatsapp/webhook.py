"""The parts of a WhatsApp Cloud API webhook delivery the bot reads: incoming messages (statuses of
sent messages and everything else are ignored)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class WaMessage:
    wamid: str
    sender: str  # the user's WhatsApp id (phone number)
    name: str | None
    text: str | None  # None: not a text message (an image, a location...)


def messages(payload: dict[str, Any]) -> list[WaMessage]:
    found: list[WaMessage] = []
    for entry in _list(payload.get("entry")):
        for change in _list(entry.get("changes")):
            raw = change.get("value")
            value: dict[str, Any] = raw if isinstance(raw, dict) else {}
            names = {
                str(c.get("wa_id")): (c.get("profile") or {}).get("name")
                for c in _list(value.get("contacts"))
            }
            for message in _list(value.get("messages")):
                wamid, sender = message.get("id"), message.get("from")
                if not isinstance(wamid, str) or not isinstance(sender, str):
                    continue
                found.append(WaMessage(wamid, sender, names.get(sender), _text(message)))
    return found


def _text(message: dict[str, Any]) -> str | None:
    kind = message.get("type")
    if kind == "text":
        body = (message.get("text") or {}).get("body")
        return body if isinstance(body, str) else None
    if kind == "interactive":  # a reply button: its id is the command
        interactive = message.get("interactive") or {}
        reply = interactive.get("button_reply") or {}
        return reply.get("id") if isinstance(reply.get("id"), str) else None
    if kind == "button":  # a template's quick-reply button
        return (message.get("button") or {}).get("payload")
    return None


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
