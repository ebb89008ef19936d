"""Standard Webhooks signatures (``webhook-id``, ``webhook-timestamp``, ``webhook-signature``),
made and checked with the ``standardwebhooks`` library so any receiver can verify them with it.

The library's traps, handled here once: ``sign()`` replaces the timestamp's time zone with UTC
instead of converting (an aware time is converted to UTC first); a malformed signature entry or
non-base64 value raises ``ValueError`` rather than ``WebhookVerificationError`` (both mean "not
signed by this secret"), and so would a validly signed body that is not JSON if the library parsed
it (it is verified unparsed here, then parsed); its tolerance is fixed at 5 minutes.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError

SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix)
_SECRET_BYTES = 24
TOLERANCE_S = 300  # the library's, not configurable there


class InvalidSignature(Exception):
    """The headers do not prove that the body was sent, recently, by a holder of the secret."""


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 24 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(_SECRET_BYTES)).decode("ascii")


def sign_headers(message_id: str, body: str, secrets_: Sequence[str], at: datetime) -> dict[str, str]:
    """The three headers for ``body``, signed with every secret given (a rotation's overlap sends
    the new and the old signature, space-separated: receivers accept either)."""
    if at.tzinfo is None:
        raise ValueError("sign with an aware time")
    at = at.astimezone(UTC)
    signature = " ".join(Webhook(secret).sign(message_id, at, body) for secret in secrets_)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
    }


def verify(body: bytes | str, headers: Mapping[str, str], secret: str) -> Any:
    """The parsed JSON body of a webhook signed with ``secret`` (Standard Webhooks), or
    :class:`InvalidSignature`. For receivers of Underway's webhooks::

        from underway.webhooks import verify
        event = verify(request_body, request_headers, "whsec_...")
    """
    verify_signature(body, headers, secret)
    return json.loads(body)


def verify_signature(body: bytes | str, headers: Mapping[str, str], secret: str) -> None:
    """Raises :class:`InvalidSignature` unless ``body`` was signed with ``secret`` in the last 5 minutes."""
    try:
        Webhook(secret).verify(body, dict(headers), json_parse=False)
    except (WebhookVerificationError, ValueError) as exc:  # ValueError: malformed entry, bad base64
        raise InvalidSignature(str(exc) or "invalid signature") from None
