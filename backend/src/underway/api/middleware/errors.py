"""Turn any exception nothing else handled into a 500 problem, logged with an id.

It sits inside the other middleware, so metrics count the 500 and headers and CORS apply to it,
and nothing reaches the server's own error page. The response says nothing about the cause; the
id in it finds the traceback in the log.
"""

from __future__ import annotations

import logging
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from underway.api.problems import problem_response
from underway.problems import ProblemType

log = logging.getLogger("underway.api")


class UnhandledErrorMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            error_id = uuid.uuid4().hex[:16]
            log.exception("unhandled error %s on %s %s", error_id, scope.get("method"), scope.get("path"))
            if started:  # too late for a clean answer: let the server drop the connection
                raise
            response = problem_response(
                500,
                type_=ProblemType.INTERNAL,
                detail=f"An unexpected error occurred (error id {error_id})",
                instance=scope.get("path"),
                extra={"error_id": error_id},
            )
            await response(scope, receive, send)
