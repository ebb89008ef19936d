"""Routers of the REST API, one per file, each exposing ``router``; all mounted under ``/api/v1``.

Adding a router: create ``underway/api/routes/<name>.py`` with ``router = APIRouter(prefix=...,
tags=["<camelCaseTag>"])`` and list its module in :data:`OPTIONAL_ROUTE_MODULES` (or import it in
:func:`build_api_router` once it always exists). Operation ids are ``{tag}-{route name}``, so
give every route ``name=`` (``operations-submit``, ``operations-list``...).
"""

from __future__ import annotations

import importlib
import importlib.util

from fastapi import APIRouter

from underway.settings import Settings

API_PREFIX = "/api/v1"

# Include points for routers written by other parts of the team. Each is included once its module
# exists and defines ``router`` (a package still being written has none yet); a module that exists
# but fails to import still fails loudly.
OPTIONAL_ROUTE_MODULES = (
    "underway.api.routes.operations",
    "underway.api.routes.workflows",
    "underway.api.routes.stats",
    "underway.api.routes.admin_operations",
    "underway.api.streams",  # WebSocket routes: underway/api/streams/__init__.py exposes `router`
)


def build_api_router(settings: Settings) -> APIRouter:
    from underway.api.routes import admin_users, api_keys, auth, health, metrics, users

    api = APIRouter(prefix=API_PREFIX)
    for module in (auth, users, api_keys, admin_users, health):
        api.include_router(module.router)
    for module_name in OPTIONAL_ROUTE_MODULES:
        if importlib.util.find_spec(module_name) is None:
            continue
        router = getattr(importlib.import_module(module_name), "router", None)
        if isinstance(router, APIRouter):
            api.include_router(router)
    if settings.metrics_enabled:
        api.include_router(metrics.router)
    return api
