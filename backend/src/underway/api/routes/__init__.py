"""Routers of the REST API, one per file, each exposing ``router``; all mounted under ``/api/v1``.

Adding a router: create ``underway/api/routes/<name>.py`` with ``router = APIRouter(prefix=...,
tags=["<camelCaseTag>"])`` and include it in :func:`build_api_router`. Operation ids are
``{tag}-{route name}``, so give every route ``name=`` (``operations-submit``, ``operations-list``...).
"""

from __future__ import annotations

from fastapi import APIRouter

from underway.settings import Settings

API_PREFIX = "/api/v1"


def build_api_router(settings: Settings) -> APIRouter:
    from underway.api import streams
    from underway.api.routes import (
        admin_chat,
        admin_operations,
        admin_users,
        admin_workers,
        api_keys,
        auth,
        chat,
        chat_webhooks,
        health,
        hooks,
        metrics,
        operations,
        stats,
        triggers,
        users,
        webhooks,
        workflows,
    )

    api = APIRouter(prefix=API_PREFIX)
    for module in (
        auth,
        users,
        api_keys,
        admin_users,
        health,
        operations,
        workflows,
        stats,
        admin_operations,
        admin_workers,
        chat,
        chat_webhooks,
        admin_chat,
        webhooks,
        triggers,
        hooks,
        streams,  # the WebSocket routes
    ):
        api.include_router(module.router)
    if settings.metrics_enabled:
        api.include_router(metrics.router)
    return api
