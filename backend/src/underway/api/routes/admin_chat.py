"""/admin/chat: every user's linked chats, and revoking any of them."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from underway.api.problems import problem_responses
from underway.api.routes.chat import LinkId
from underway.api.security import AdminPrincipal, rate_limit
from underway.api.state import ChatDep
from underway.chat.models import ChatLink

router = APIRouter(
    prefix="/admin/chat",
    tags=["adminChat"],
    dependencies=[Depends(rate_limit("read"))],
    responses=problem_responses(401, 403, 429),
)


@router.get("/links", name="links", summary="List every linked chat")
async def list_links(_admin: AdminPrincipal, chat: ChatDep) -> list[ChatLink]:
    return await chat.links.links()


@router.delete(
    "/links/{link_id}",
    name="revoke",
    summary="Revoke a chat link",
    status_code=204,
    response_class=Response,
    responses=problem_responses(404, 422),
)
async def revoke(link_id: LinkId, _admin: AdminPrincipal, chat: ChatDep) -> None:
    """The chat stops acting as its user at once; its owner can link it again with a new code."""
    await chat.links.remove(link_id)
