"""Pure ASGI middleware of the API (no BaseHTTPMiddleware: it would buffer streams and break
WebSockets)."""
