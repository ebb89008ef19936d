"""Hand-made JWTs for attack tests, built without python-jose so every byte is under our control."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def segment(obj: Any) -> str:
    return b64url(json.dumps(obj, separators=(",", ":")).encode())


def forge(
    claims: dict[str, Any], key: str | None, *, alg: str = "HS256", header: dict[str, Any] | None = None
) -> str:
    head = header if header is not None else {"alg": alg, "typ": "JWT"}
    signing_input = f"{segment(head)}.{segment(claims)}"
    if key is None:  # alg "none": no signature
        return signing_input + "."
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    signature = hmac.new(key.encode(), signing_input.encode(), digest).digest()
    return f"{signing_input}.{b64url(signature)}"
