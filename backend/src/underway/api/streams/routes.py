"""The two WebSocket endpoints: one operation's progress, and every operation's (administrators)."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator

from fastapi import APIRouter
from starlette.websockets import WebSocket

from underway.api.schemas.operations import MAX_SEQ, NAME_MAX, PRINTABLE_PATTERN
from underway.api.scoping import owner_scope
from underway.api.state import get_api_state
from underway.api.streams.connection import ClientGone, StreamClosed, close, send_message
from underway.api.streams.handshake import handshake
from underway.api.streams.messages import SnapshotMessage
from underway.api.streams.protocol import CloseCode
from underway.api.streams.session import run_stream
from underway.operations.errors import OperationNotFound
from underway.operations.models import EventType, OperationEvent

log = logging.getLogger(__name__)

router = APIRouter()

_VALID_ID = re.compile(PRINTABLE_PATTERN)


@router.websocket("/operations/{operation_id}/stream", name="operation-stream")
async def operation_stream(ws: WebSocket, operation_id: str) -> None:
    """Snapshot, then every event with ``seq > after_seq`` (log, then live), then close 1000 after
    the terminal event. Reconnecting with the last seen ``seq`` resumes without gap or duplicate."""
    state = get_api_state(ws)
    with state.metrics.websocket_connection("operation"):
        try:
            who = await handshake(ws, state)
            after_seq = _after_seq(ws)
            if len(operation_id) > NAME_MAX or not _VALID_ID.fullmatch(operation_id):
                raise OperationNotFound(operation_id)
            service = state.runtime.service
            op = await service.get(operation_id, owner=owner_scope(who.principal))
            await send_message(ws, SnapshotMessage(type="snapshot", operation=op))
            await run_stream(ws, state, who, service.subscribe(operation_id, after_seq=after_seq))
        except OperationNotFound:
            await close(ws, CloseCode.NOT_FOUND, "operation not found")
        except StreamClosed as closed:
            await close(ws, closed.code, closed.reason)
        except ClientGone:
            pass
        except Exception:
            log.exception("operation stream %s failed", operation_id)
            await close(ws, CloseCode.INTERNAL_ERROR, "internal error")


@router.websocket("/admin/stream", name="admin-stream")
async def admin_stream(ws: WebSocket) -> None:
    """Status, stage and progress events of every operation, live (administrators only). It does
    not replay: a client that reconnects reloads what it shows over REST."""
    state = get_api_state(ws)
    with state.metrics.websocket_connection("admin"):
        try:
            who = await handshake(ws, state)
            if not who.principal.is_admin:
                raise StreamClosed(CloseCode.FORBIDDEN, "administrators only")
            events = _without_logs(state.runtime.service.subscribe_all())
            await run_stream(ws, state, who, events, admin_only=True)
        except StreamClosed as closed:
            await close(ws, closed.code, closed.reason)
        except ClientGone:
            pass
        except Exception:
            log.exception("admin stream failed")
            await close(ws, CloseCode.INTERNAL_ERROR, "internal error")


def _after_seq(ws: WebSocket) -> int:
    # Read here rather than declared as a query parameter: FastAPI would refuse a bad value
    # before the handshake, which clients see as an opaque HTTP 403 instead of a close reason.
    raw = ws.query_params.get("after_seq", "0")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10 and int(raw) <= MAX_SEQ):
        raise StreamClosed(CloseCode.POLICY_VIOLATION, f"after_seq must be an integer from 0 to {MAX_SEQ}")
    return int(raw)


async def _without_logs(events: AsyncIterator[OperationEvent]) -> AsyncIterator[OperationEvent]:
    # Log lines are the bulk of events and a dashboard of every operation does not show them;
    # the operation stream has them all.
    try:
        async for event in events:
            if event.type is not EventType.LOG:
                yield event
    finally:
        aclose = getattr(events, "aclose", None)
        if aclose is not None:
            await aclose()
