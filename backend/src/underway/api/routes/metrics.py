"""GET /metrics: Prometheus text exposition (no authentication; off with UNDERWAY_METRICS_ENABLED)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from underway.api.state import StateDep

router = APIRouter(tags=["metrics"])


@router.get(
    "/metrics",
    name="scrape",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
)
async def scrape(state: StateDep) -> Response:
    await state.metrics.refresh_from_store(state.runtime.service)
    body, content_type = state.metrics.render()
    return Response(body, media_type=content_type)
