"""A client that stops reading its stream costs bounded memory and slows nobody down: not the
workflow, not the other clients. Real uvicorn, real sockets with small buffers."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from websockets.asyncio.client import ClientConnection, connect

from tests.api.conftest import LiveServer, start_server
from tests.api.operations_helpers import sleep_params, submit, wait_until
from tests.api.streaming import DEADLINE_S, open_stream, read_until_closed, seqs
from underway.operations.models import EventType, OperationEvent
from underway.settings import Settings

# Socket buffers small enough that a client that stops reading backs the server's writes up after
# a few dozen events, as it would over a real network (loopback buffers grow to megabytes).
SMALL_BUFFER = 16 * 1024


@asynccontextmanager
async def stalled_stream(server: LiveServer, path: str, token: str) -> AsyncIterator[ClientConnection]:
    """A stream whose client reads nothing until the test drains it: a small TCP receive buffer,
    one frame of queue and no compression (repetitive JSON deflates tenfold, which would let a
    thousand events fit in the buffers), so the server's writes back up after a few dozen events."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SMALL_BUFFER)  # before connect: the window
    host, port = server.base_url.removeprefix("http://").split(":")
    sock.connect((host, int(port)))
    async with connect(
        server.ws_url + path,
        sock=sock,
        max_queue=1,
        compression=None,
        ping_interval=None,
        open_timeout=DEADLINE_S,
    ) as ws:
        await ws.send(f'{{"type": "auth", "token": "{token}"}}')
        yield ws


async def whole_log(server: LiveServer, op_id: str) -> list[OperationEvent]:
    log: list[OperationEvent] = []
    while page := await server.state.runtime.service.events(op_id, after_seq=log[-1].seq if log else 0):
        log += page
    return log


async def test_a_client_that_stops_reading_slows_nobody_and_loses_only_progress(
    settings_factory: Callable[..., Settings],
) -> None:
    # Every progress report becomes an event (no rate limit), and no protocol ping interferes
    # with a client that is not reading.
    settings = settings_factory(progress_interval_s=0, ws_ping_interval_s=600)
    async with start_server(settings, send_buffer=SMALL_BUFFER) as server, server.client() as api:
        token = await server.token_for("alice")
        op = await submit(api, token, params=sleep_params(steps=1500, step_s=0.003))
        path = f"/operations/{op['id']}/stream"
        async with stalled_stream(server, path, token) as slow:
            async with open_stream(server, path, token) as fast:
                fast_messages, fast_code = await read_until_closed(fast, timeout=120)
            # The operation ended normally while the slow client had read nothing: it never held
            # up the worker.
            done = await wait_until(server, op["id"])
            assert done.status == "completed"
            log = await whole_log(server, op["id"])
            assert fast_code == 1000
            assert seqs(fast_messages) == [e.seq for e in log]  # the fast client got every event

            slow_messages, slow_code = await read_until_closed(slow, timeout=120)

    assert slow_code == 1000
    assert slow_messages[0]["type"] == "snapshot"
    received = seqs(slow_messages)
    assert received == sorted(set(received)), "out of order or repeated"
    assert received[-1] == log[-1].seq  # it caught up to the terminal event
    skipped = [e for e in log if e.seq not in set(received)]
    assert skipped, "the client never fell behind: the test did not exercise a slow reader"
    # What it missed was only superseded progress; every status and stage event arrived.
    assert {e.type for e in skipped} == {EventType.PROGRESS}
    assert {e.seq for e in log if e.type is not EventType.PROGRESS} <= set(received)
