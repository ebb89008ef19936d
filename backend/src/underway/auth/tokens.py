"""Access tokens (JWT, HS256). The only module that imports python-jose.

python-jose is permissive by default, so everything is pinned here:

* one algorithm, HS256, for encoding and as the only one accepted (no ``none``, no HS512, no
  RSA/HMAC confusion);
* ``exp``, ``iat``, ``sub``, ``iss``, ``aud`` and ``jti`` are *required*: python-jose skips the
  audience check entirely when a token has no ``aud`` unless it is required;
* a ``typ`` claim of ``access`` so another kind of token signed with the same key (a future
  refresh or stream ticket) is never accepted as an access token;
* oversized input is refused before any parsing, and every failure, expected or not, becomes
  :class:`~underway.auth.errors.InvalidToken` (fail closed).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from jose import jwt
from jose.exceptions import JOSEError

from underway.auth.errors import InvalidToken

ALGORITHM = "HS256"
TOKEN_TYPE = "access"  # noqa: S105 (the typ claim, not a secret)
# Our tokens are ~300 bytes; anything near this is not ours, and refusing it early bounds the work
# spent on base64 and JSON parsing of hostile input.
MAX_TOKEN_BYTES = 4096
# iat may be a little ahead when several processes share the key and their clocks drift.
_MAX_CLOCK_SKEW = timedelta(seconds=60)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_in: int
    jti: str


@dataclass(frozen=True)
class AccessClaims:
    subject: str
    jti: str
    issued_at: datetime
    expires_at: datetime


def _utcnow() -> datetime:
    return datetime.now(UTC)


class TokenCodec:
    def __init__(
        self,
        secret: str,
        *,
        issuer: str,
        audience: str,
        ttl_s: int,
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        if len(secret) < 32:
            raise ValueError("the token signing key must be at least 32 characters")
        self._secret = secret
        self._issuer = issuer
        self._audience = audience
        self._ttl = timedelta(seconds=ttl_s)
        self._now = now

    def issue(self, subject: str) -> IssuedToken:
        now = self._now().replace(microsecond=0)
        jti = uuid.uuid4().hex
        claims: dict[str, Any] = {
            "sub": subject,
            "iat": int(now.timestamp()),
            "exp": int((now + self._ttl).timestamp()),
            "iss": self._issuer,
            "aud": self._audience,
            "typ": TOKEN_TYPE,
            "jti": jti,
        }
        token = jwt.encode(claims, self._secret, algorithm=ALGORITHM)
        return IssuedToken(token=token, expires_in=int(self._ttl.total_seconds()), jti=jti)

    def decode(self, token: str) -> AccessClaims:
        if len(token) > MAX_TOKEN_BYTES:
            raise InvalidToken("token too large")
        if not token.isascii() or token.count(".") != 2:
            raise InvalidToken("not a compact JWS")
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                options={
                    "verify_signature": True,
                    "verify_exp": True,
                    "verify_iat": True,
                    "verify_nbf": True,
                    "verify_aud": True,
                    "verify_iss": True,
                    "verify_sub": True,
                    "verify_jti": True,
                    "require_exp": True,
                    "require_iat": True,
                    "require_sub": True,
                    "require_aud": True,
                    "require_iss": True,
                    "require_jti": True,
                    "leeway": 0,
                },
            )
        except JOSEError as exc:
            raise InvalidToken(f"rejected by jose: {exc}") from None
        except Exception as exc:
            # Hostile input can reach corners of the parser (deep JSON nesting, odd types) that
            # raise something else. Whatever it is, the token is not valid.
            log.info("unexpected error decoding a bearer token: %r", exc)
            raise InvalidToken("malformed token") from None
        return self._checked(claims)

    def _checked(self, claims: dict[str, Any]) -> AccessClaims:
        if claims.get("typ") != TOKEN_TYPE:
            raise InvalidToken("wrong token type")
        sub, jti = claims.get("sub"), claims.get("jti")
        if not isinstance(sub, str) or not sub or not isinstance(jti, str) or not jti:
            raise InvalidToken("empty sub or jti")
        # jose has already checked these are integers and exp is in the future.
        issued_at = datetime.fromtimestamp(int(claims["iat"]), UTC)
        expires_at = datetime.fromtimestamp(int(claims["exp"]), UTC)
        if issued_at > self._now() + _MAX_CLOCK_SKEW:
            raise InvalidToken("issued in the future")
        return AccessClaims(subject=sub, jti=jti, issued_at=issued_at, expires_at=expires_at)
