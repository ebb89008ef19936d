"""The application factory: ``create_app(settings)``.

Middleware, outermost first: HTTP metrics (sees every final status), CORS (when configured, so even
errors are readable cross-origin), response headers (security headers, RateLimit fields), body
limit (413 before anything reads the body), unhandled errors (500 problem), then FastAPI's own
exception handling around the routes.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from underway import __version__
from underway.api.errors import register_exception_handlers
from underway.api.lifespan import lifespan
from underway.api.metrics import Metrics
from underway.api.middleware.body_limit import BodyLimitMiddleware
from underway.api.middleware.errors import UnhandledErrorMiddleware
from underway.api.middleware.headers import ResponseHeadersMiddleware
from underway.api.middleware.metrics import HttpMetricsMiddleware
from underway.api.openapi import document_problems, operation_id
from underway.api.ratelimit import RateLimiter
from underway.api.routes import API_PREFIX, build_api_router
from underway.api.state import ApiState
from underway.settings import Settings

EXPOSED_HEADERS = ["RateLimit", "RateLimit-Policy", "Retry-After", "Location"]


def _middleware(settings: Settings, metrics: Metrics) -> list[Middleware]:
    stack = [Middleware(HttpMetricsMiddleware, metrics=metrics)]
    if settings.cors_origins:
        stack.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                # Bearer tokens, not cookies: no credentialed CORS, which also keeps "*" safe.
                allow_credentials=False,
                allow_methods=["GET", "POST", "PATCH", "DELETE"],
                allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
                expose_headers=EXPOSED_HEADERS,
                max_age=600,
            )
        )
    stack += [
        Middleware(ResponseHeadersMiddleware),
        Middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes),
        Middleware(UnhandledErrorMiddleware),
    ]
    return stack


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    metrics = Metrics()
    limiter = RateLimiter.from_settings(
        settings, on_reject=lambda policy: metrics.rate_limit_rejections.labels(policy).inc()
    )
    app = FastAPI(
        title="Underway",
        version=__version__,
        summary="Long-running Python work as operations: submit, watch live, cancel, audit.",
        lifespan=lifespan,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        swagger_ui_oauth2_redirect_url=f"{API_PREFIX}/docs/oauth2-redirect",
        redoc_url=None,
        generate_unique_id_function=operation_id,
        middleware=_middleware(settings, metrics),
    )
    app.state.api = ApiState(settings=settings, metrics=metrics, limiter=limiter)
    register_exception_handlers(app)
    document_problems(app)
    app.include_router(build_api_router(settings))
    return app
