"""Running an authenticated stream: send events, answer pings, re-check credentials.

Three tasks race; the first to finish decides how the stream ends:

* the pump sends every event of the subscription through a bounded :class:`Outbox` and ends
  normally (1000) when the subscription ends (the terminal event was sent);
* the listener answers pings and ends the stream on anything else (1008/1009) or a disconnect;
* the checker re-authenticates every ``REAUTH_INTERVAL_S`` (4401/4403 once credentials lapse).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from typing import Any

from pydantic import ValidationError
from starlette.websockets import WebSocket

from underway.api.state import ApiState
from underway.api.streams import protocol
from underway.api.streams.connection import StreamClosed, receive_text, send_message
from underway.api.streams.handshake import Authenticated, authenticate
from underway.api.streams.messages import EventMessage, PingMessage, PongMessage
from underway.api.streams.outbox import Outbox
from underway.api.streams.protocol import CloseCode
from underway.operations.models import OperationEvent


async def run_stream(
    ws: WebSocket,
    state: ApiState,
    who: Authenticated,
    events: AsyncIterator[OperationEvent],
    *,
    admin_only: bool = False,
) -> None:
    """Stream ``events`` until the first ending; raises StreamClosed (close with its code) or
    ClientGone. ``admin_only``: the credentials must still belong to an administrator when checked."""
    await _first_of(
        _pump(ws, events),
        _listen(ws),
        _recheck(state, who.token, admin_only),
    )


async def _pump(ws: WebSocket, events: AsyncIterator[OperationEvent]) -> None:
    outbox = Outbox(protocol.OUTBOX_CAPACITY)

    async def fill() -> None:
        try:
            async for event in events:
                await outbox.put(event)
        finally:
            outbox.close()
            # A cancelled stream must release its broker subscription now, not at garbage collection.
            aclose = getattr(events, "aclose", None)
            if aclose is not None:
                await aclose()

    filler = asyncio.create_task(fill())
    try:
        while (event := await outbox.get()) is not None:
            await send_message(ws, EventMessage(type="event", event=event))
        await filler  # re-raises a failure of the subscription (which also closed the outbox)
    finally:
        filler.cancel()
        await asyncio.gather(filler, return_exceptions=True)
    raise StreamClosed(CloseCode.NORMAL, "operation finished")


async def _listen(ws: WebSocket) -> None:
    while True:
        text = await receive_text(ws)
        try:
            PingMessage.model_validate_json(text)
        except ValidationError:
            raise StreamClosed(CloseCode.POLICY_VIOLATION, "only pings are accepted") from None
        await send_message(ws, PongMessage(type="pong"))


async def _recheck(state: ApiState, token: str, admin_only: bool) -> None:
    while True:
        await asyncio.sleep(protocol.REAUTH_INTERVAL_S)
        principal = await authenticate(state, token)
        if admin_only and not principal.is_admin:
            raise StreamClosed(CloseCode.FORBIDDEN, "administrators only")


async def _first_of(*coroutines: Coroutine[Any, Any, None]) -> None:
    """Run until the first coroutine finishes, cancel the others, re-raise its outcome."""
    tasks = [asyncio.create_task(c) for c in coroutines]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    first = next(t for t in tasks if t in done)
    first.result()
