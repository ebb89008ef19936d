"""The HTTP API: ``create_app(settings)`` in :mod:`underway.api.app` builds the FastAPI application."""
