"""Users, passwords, access tokens and API keys: who is calling, and may they.

The API (REST and WebSocket) and the CLI go through :mod:`underway.auth.service`; only
:mod:`underway.auth.tokens` knows about JWTs.
"""
