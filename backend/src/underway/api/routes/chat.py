"""/chat: the web chat (sessions and messages) over the conversation core, and the signed-in
user's chat links (link codes for Telegram and WhatsApp, unlinking).

Progress of an operation a message started comes from the existing operation streams
(``/operations/{id}/stream``); these routes are plain REST."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from underway.api.problems import problem_responses
from underway.api.security import CurrentPrincipal, rate_limit
from underway.api.state import ChatDep, get_api_state
from underway.chat.core import MAX_TEXT, ChatRateLimited
from underway.chat.models import (
    Channel,
    ChatChannels,
    ChatExchange,
    ChatLink,
    ChatSession,
    ChatSessionDetail,
    ChatUser,
    Inbound,
    LinkCode,
)
from underway.chat.store.sessions import to_session

router = APIRouter(prefix="/chat", tags=["chat"], responses=problem_responses(401, 403, 429))

_READ = [Depends(rate_limit("read"))]
SessionId = Annotated[str, Path(max_length=36, description="A chat session's id.")]
LinkId = Annotated[str, Path(max_length=36, description="A chat link's id.")]


class ChatMessageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(
        min_length=1,
        max_length=MAX_TEXT,
        pattern=r"^[^\x00]*\S[^\x00]*$",
        description="What the user typed: a command such as `/run demo.sleep steps=5`, or free text.",
    )


@router.get(
    "/channels", name="channels", summary="Which chat interfaces this server offers", dependencies=_READ
)
async def channels(_principal: CurrentPrincipal, chat: ChatDep) -> ChatChannels:
    return chat.channels()


@router.get("/sessions", name="sessions", summary="List your web chat sessions", dependencies=_READ)
async def list_sessions(principal: CurrentPrincipal, chat: ChatDep) -> list[ChatSession]:
    """Your 50 most recently active web chat sessions, newest first."""
    return await chat.sessions.web_sessions(principal.user_id)


@router.post(
    "/sessions", name="createSession", summary="Start a web chat session", status_code=201, dependencies=_READ
)
async def create_session(principal: CurrentPrincipal, chat: ChatDep) -> ChatSession:
    return to_session(await chat.sessions.create_web(principal.user_id))


@router.get(
    "/sessions/{session_id}",
    name="session",
    summary="Get a web chat session with its messages",
    dependencies=_READ,
    responses=problem_responses(404, 422),
)
async def get_session(session_id: SessionId, principal: CurrentPrincipal, chat: ChatDep) -> ChatSessionDetail:
    """The session and its last 500 messages, oldest first. Another user's session is not found."""
    row = await chat.sessions.web_session(session_id, principal.user_id)
    messages = await chat.sessions.messages(row.id)
    return ChatSessionDetail(**to_session(row).model_dump(), messages=messages)


@router.delete(
    "/sessions/{session_id}",
    name="deleteSession",
    summary="Delete a web chat session",
    status_code=204,
    response_class=Response,
    dependencies=_READ,
    responses=problem_responses(404, 422),
)
async def delete_session(session_id: SessionId, principal: CurrentPrincipal, chat: ChatDep) -> None:
    """Deletes its messages too; operations it started are not touched."""
    await chat.sessions.delete_web(session_id, principal.user_id)


@router.post(
    "/sessions/{session_id}/messages",
    name="send",
    summary="Send a message to the assistant",
    responses=problem_responses(404, 422),
)
async def send(
    session_id: SessionId,
    body: ChatMessageCreate,
    principal: CurrentPrincipal,
    chat: ChatDep,
    request: Request,
) -> ChatExchange:
    """Stores your message and answers it: the response holds both, your message first. A reply that
    started an operation lists it in ``operation_ids``; follow it on its stream. Counted against
    the chat rate limit (and a run against the submit limit, like POST /operations)."""
    row = await chat.sessions.web_session(session_id, principal.user_id)
    inbound = Inbound(Channel.WEB, row.chat_id, body.text, principal.username)
    try:
        outcome = await chat.core.handle(
            inbound, user=ChatUser(principal.user_id, principal.username), session=row
        )
    except ChatRateLimited as exc:
        raise get_api_state(request).limiter.spent(request, "chat", exc.retry_after) from None
    return ChatExchange(messages=outcome.messages)


@router.post(
    "/link-codes",
    name="createLinkCode",
    summary="Create a one-time code to link a Telegram or WhatsApp chat",
    status_code=201,
    dependencies=_READ,
)
async def create_link_code(principal: CurrentPrincipal, chat: ChatDep) -> LinkCode:
    """Send `/link CODE` to the bot before `expires_at`. Only its hash is stored; creating a new
    code makes your earlier unused ones stop working."""
    return await chat.links.new_code(principal.user_id)


@router.get("/links", name="links", summary="List your linked chats", dependencies=_READ)
async def list_links(principal: CurrentPrincipal, chat: ChatDep) -> list[ChatLink]:
    return await chat.links.links(principal.user_id)


@router.delete(
    "/links/{link_id}",
    name="unlink",
    summary="Unlink a chat",
    status_code=204,
    response_class=Response,
    dependencies=_READ,
    responses=problem_responses(404, 422),
)
async def unlink(link_id: LinkId, principal: CurrentPrincipal, chat: ChatDep) -> None:
    """The chat stops acting as you at once. Another user's link is reported as not found."""
    await chat.links.remove(link_id, principal.user_id)
