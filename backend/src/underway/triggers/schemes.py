"""Verifying an inbound delivery by the trigger's scheme; each returns the sender's delivery id.

* Standard Webhooks (the default): ``webhook-id``, ``webhook-timestamp`` (within 5 minutes) and
  ``webhook-signature``, checked with the ``standardwebhooks`` library; ``webhook-id`` is the
  delivery id, so a replayed delivery starts nothing new.
* GitHub: ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>``; ``X-GitHub-Delivery``, when
  sent, is the delivery id. GitHub signs no timestamp, so replay protection is the delivery id alone.
* Bearer: ``Authorization: Bearer <secret>``; an ``Idempotency-Key`` header, when sent, is the
  delivery id. No signature: use it only over HTTPS and only where the others are impossible.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping

from underway.triggers.errors import SignatureRejected, StaleTimestamp
from underway.triggers.models import TriggerScheme
from underway.webhooks.signing import TOLERANCE_S, InvalidSignature, new_secret, verify_signature

MAX_DELIVERY_ID = 150  # it becomes part of an idempotency key (200 characters)


def new_trigger_secret(scheme: TriggerScheme) -> str:
    if scheme is TriggerScheme.STANDARD_WEBHOOKS:
        return new_secret()
    if scheme is TriggerScheme.GITHUB:
        return secrets.token_hex(32)
    return "uwt_" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii").rstrip("=")


def verify_delivery(
    scheme: TriggerScheme, secret: str, body: bytes, headers: Mapping[str, str]
) -> str | None:
    """The delivery id (None if the sender gave none), or SignatureRejected / StaleTimestamp."""
    delivery_id: str | None
    if scheme is TriggerScheme.STANDARD_WEBHOOKS:
        delivery_id = _standard(secret, body, headers)
    elif scheme is TriggerScheme.GITHUB:
        delivery_id = _github(secret, body, headers)
    else:
        delivery_id = _bearer(secret, headers)
    if delivery_id is not None and not 0 < len(delivery_id) <= MAX_DELIVERY_ID:
        raise SignatureRejected(f"the delivery id must be 1 to {MAX_DELIVERY_ID} characters")
    return delivery_id


def _standard(secret: str, body: bytes, headers: Mapping[str, str]) -> str:
    missing = [h for h in ("webhook-id", "webhook-timestamp", "webhook-signature") if not headers.get(h)]
    if missing:
        raise SignatureRejected(f"missing header(s): {', '.join(missing)} (Standard Webhooks)")
    try:
        sent_at = float(headers["webhook-timestamp"])
    except ValueError:
        raise SignatureRejected("webhook-timestamp must be Unix seconds") from None
    # Checked here too (the library would say it less precisely), so a replay of an old delivery
    # gets its own answer.
    if abs(time.time() - sent_at) > TOLERANCE_S:
        raise StaleTimestamp(f"webhook-timestamp is more than {TOLERANCE_S // 60} minutes from now")
    try:
        verify_signature(body, headers, secret)
    except InvalidSignature as exc:
        raise SignatureRejected(f"the signature does not match ({exc})") from None
    return headers["webhook-id"]


def _github(secret: str, body: bytes, headers: Mapping[str, str]) -> str | None:
    sent = headers.get("x-hub-signature-256", "")
    if not sent.startswith("sha256="):
        raise SignatureRejected("missing X-Hub-Signature-256: sha256=<hex HMAC>")
    expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(sent.removeprefix("sha256=").lower(), expected):
        raise SignatureRejected("the X-Hub-Signature-256 signature does not match")
    return headers.get("x-github-delivery")


def _bearer(secret: str, headers: Mapping[str, str]) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), secret.encode()):
        raise SignatureRejected("missing or wrong 'Authorization: Bearer <token>'")
    return headers.get("idempotency-key")
