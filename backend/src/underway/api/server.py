"""How the app is served: the one uvicorn configuration of ``underway serve`` and the test servers.

Streams depend on it: client messages are tiny (an auth message, pings), so frames are capped at
:data:`~underway.api.streams.protocol.MAX_MESSAGE_BYTES`; protocol pings find dead peers (a laptop
that went to sleep, a dropped NAT mapping), whose streams would otherwise hold a subscription
until the operation ends.
"""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from underway.api.streams import protocol
from underway.settings import Settings

GRACEFUL_SHUTDOWN_S = 15


def uvicorn_config(
    app: FastAPI,
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    log_level: str = "info",
    graceful_shutdown_s: int = GRACEFUL_SHUTDOWN_S,
) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        lifespan="on",
        log_level=log_level,
        ws_max_size=protocol.MAX_MESSAGE_BYTES,
        ws_ping_interval=settings.ws_ping_interval_s,
        ws_ping_timeout=settings.ws_ping_timeout_s,
        # Open streams are closed with 1012 at once; this bounds in-flight HTTP requests.
        timeout_graceful_shutdown=graceful_shutdown_s,
        server_header=False,
    )
