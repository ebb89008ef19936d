"""WebSocket streams: ``/operations/{id}/stream`` and ``/admin/stream`` (see protocol.py for the
handshake and close codes, messages.py for the message shapes)."""

from underway.api.streams.routes import router

__all__ = ["router"]
