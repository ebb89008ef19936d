"""Meta signs every webhook delivery: ``X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body
keyed with the app secret>``."""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "sha256="


def sign(app_secret: str, body: bytes) -> str:
    return PREFIX + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def valid(app_secret: str, body: bytes, header: str | None) -> bool:
    """Constant-time check; a missing or malformed header is invalid."""
    if not header or not header.startswith(PREFIX):
        return False
    return hmac.compare_digest(sign(app_secret, body), header.strip())
