"""Webhooks of the chat bots: ``POST /chat/telegram`` and ``GET``/``POST /chat/whatsapp``.

Called by Telegram and Meta, not by API clients, so they stay out of the OpenAPI document (see
docs/api.md). Both authenticate the caller before reading anything: Telegram's secret token header,
Meta's HMAC signature of the raw body; a wrong one is a 401 and nothing runs. A channel that is not
configured answers 404. Accepted deliveries answer 200 even when the reply could not be sent, since
a redelivery would be ignored as a duplicate anyway."""

from __future__ import annotations

import hmac
import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.exceptions import HTTPException

from underway.api.state import ChatDep, SettingsDep
from underway.chat.service import ChatService
from underway.chat.whatsapp import signature
from underway.settings import Settings

router = APIRouter(prefix="/chat", tags=["chatWebhooks"], include_in_schema=False)
log = logging.getLogger(__name__)

_OK = Response(status_code=200)


def _unauthorized(what: str) -> HTTPException:
    return HTTPException(401, detail=f"Missing or wrong {what}: this delivery was not accepted")


def _not_configured(channel: str) -> HTTPException:
    return HTTPException(404, detail=f"{channel} is not configured on this server")


async def _json_object(request: Request) -> dict[str, Any]:
    try:
        payload = json.loads(await request.body())
    except ValueError:
        raise HTTPException(400, detail="The body is not JSON") from None
    if not isinstance(payload, dict):
        raise HTTPException(400, detail="The body is not a JSON object")
    return payload


@router.post("/telegram", name="telegram")
async def telegram(
    request: Request,
    chat: ChatDep,
    settings: SettingsDep,
    secret: Annotated[str | None, Header(alias="X-Telegram-Bot-Api-Secret-Token")] = None,
) -> Response:
    bot = chat.telegram
    expected = settings.telegram_webhook_secret
    if bot is None or expected is None:
        raise _not_configured("Telegram")
    if secret is None or not hmac.compare_digest(secret.encode(), expected.get_secret_value().encode()):
        log.warning("refused a Telegram webhook call with a missing or wrong secret token")
        raise _unauthorized("X-Telegram-Bot-Api-Secret-Token")
    await bot.handle(await _json_object(request))
    return _OK


def _whatsapp(chat: ChatService, settings: Settings) -> tuple[str, str]:
    if (
        chat.whatsapp is None
        or settings.whatsapp_app_secret is None
        or settings.whatsapp_verify_token is None
    ):
        raise _not_configured("WhatsApp")
    return settings.whatsapp_app_secret.get_secret_value(), settings.whatsapp_verify_token.get_secret_value()


@router.get("/whatsapp", name="whatsappVerify", response_class=PlainTextResponse)
async def whatsapp_verify(
    chat: ChatDep,
    settings: SettingsDep,
    mode: Annotated[str | None, Query(alias="hub.mode")] = None,
    token: Annotated[str | None, Query(alias="hub.verify_token")] = None,
    challenge: Annotated[str | None, Query(alias="hub.challenge", max_length=200)] = None,
) -> PlainTextResponse:
    """Meta's subscription check: echo the challenge when the verify token is ours."""
    _, verify_token = _whatsapp(chat, settings)
    if mode != "subscribe" or token is None or challenge is None:
        raise HTTPException(400, detail="Expected hub.mode=subscribe, hub.verify_token and hub.challenge")
    if not hmac.compare_digest(token.encode(), verify_token.encode()):
        raise HTTPException(403, detail="Wrong hub.verify_token")
    return PlainTextResponse(challenge)


@router.post("/whatsapp", name="whatsapp")
async def whatsapp(
    request: Request,
    chat: ChatDep,
    settings: SettingsDep,
    signed: Annotated[str | None, Header(alias="X-Hub-Signature-256")] = None,
) -> Response:
    app_secret, _ = _whatsapp(chat, settings)
    body = await request.body()
    if not signature.valid(app_secret, body, signed):
        log.warning("refused a WhatsApp webhook call with a missing or wrong signature")
        raise _unauthorized("X-Hub-Signature-256")
    assert chat.whatsapp is not None
    await chat.whatsapp.handle(await _json_object(request))
    return _OK
