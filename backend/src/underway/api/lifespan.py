"""Start and stop what the API needs: signing key, runtime (database, workers), auth service."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from underway.api.state import ApiState
from underway.auth.secret import load_secret_key
from underway.auth.service import AuthService
from underway.auth.tokens import TokenCodec
from underway.auth.users import count_enabled_admins
from underway.chat.service import ChatService
from underway.runtime import Runtime

log = logging.getLogger("underway.api")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    state: ApiState = app.state.api
    settings = state.settings
    secret = await asyncio.to_thread(load_secret_key, settings)
    tokens = TokenCodec(
        secret,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl_s=settings.token_ttl_s,
    )
    async with Runtime.open(
        settings, observers=[state.metrics.observer()], shutdown_grace_s=settings.shutdown_grace_s
    ) as runtime:
        auth = AuthService(runtime.engine, tokens, account_cache_s=settings.auth_cache_s)
        await auth.warm_up()
        if await count_enabled_admins(runtime.engine) == 0:
            log.warning("no administrator exists yet: run `underway users create NAME --admin`")
        async with ChatService.open(
            settings, runtime.engine, runtime.service, runtime.registry, state.limiter
        ) as chat:
            state.start(runtime, auth, chat)
            app.state.runtime = runtime
            try:
                yield
            finally:
                state.stop()
                app.state.runtime = None
