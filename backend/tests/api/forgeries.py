"""Forged and malformed bearer credentials: every one must be refused, over HTTP and on streams."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from tests.auth.forge import b64url, forge, segment


def claims(**overrides: Any) -> dict[str, Any]:
    """Valid access-token claims for "alice", with ``overrides``."""
    now = int(time.time())
    values: dict[str, Any] = {
        "sub": "alice",
        "iat": now,
        "exp": now + 600,
        "iss": "underway",
        "aud": "underway-api",
        "typ": "access",
        "jti": uuid.uuid4().hex,
    }
    for name, value in overrides.items():
        if value is DROP:
            values.pop(name)
        else:
            values[name] = value
    return values


DROP = object()  # as a claim's value: leave that claim out
WRONG_KEY = "x" * 64


def _tampered(key: str) -> str:
    head, _, sig = forge(claims(), key).split(".")
    return f"{head}.{segment(claims(sub='root'))}.{sig}"


def _nested_json(key: str) -> str:
    # A header nested past the JSON parser's recursion limit (RecursionError, not a JOSEError),
    # under the size cap: parsed before the signature is checked.
    return f"{b64url(b'[' * 1400 + b']' * 1400)}.{segment(claims())}.c2ln"


FORGERIES: dict[str, Callable[[str], str]] = {
    "alg none": lambda key: forge(claims(), None, header={"alg": "none", "typ": "JWT"}),
    "alg None": lambda key: forge(claims(), None, header={"alg": "None"}),
    "wrong key": lambda key: forge(claims(), WRONG_KEY),
    "HS512 with the right key": lambda key: forge(claims(), key, alg="HS512"),
    "expired": lambda key: forge(claims(exp=int(time.time()) - 10, iat=int(time.time()) - 700), key),
    "no exp": lambda key: forge(claims(exp=DROP), key),
    "no iat": lambda key: forge(claims(iat=DROP), key),
    "no sub": lambda key: forge(claims(sub=DROP), key),
    "no aud": lambda key: forge(claims(aud=DROP), key),
    "no iss": lambda key: forge(claims(iss=DROP), key),
    "no jti": lambda key: forge(claims(jti=DROP), key),
    "no typ": lambda key: forge(claims(typ=DROP), key),
    "wrong aud": lambda key: forge(claims(aud="someone-else"), key),
    "wrong iss": lambda key: forge(claims(iss="evil"), key),
    "wrong typ": lambda key: forge(claims(typ="refresh"), key),
    "issued in the future": lambda key: forge(claims(iat=int(time.time()) + 3600), key),
    "sub not a string": lambda key: forge(claims(sub=42), key),
    "exp not a number": lambda key: forge(claims(exp="tomorrow"), key),
    "unknown user": lambda key: forge(claims(sub="ghost"), key),
    "tampered payload": _tampered,
    "oversized": lambda key: forge(claims(pad="x" * 5000), key),
    "garbage": lambda key: "not-a-jwt",
    "garbage with dots": lambda key: "a.b.c",
    "non-ascii": lambda key: "é.é.é",
    "nested json": _nested_json,
    "malformed api key": lambda key: "uwk_short",
    "unknown api key": lambda key: "uwk_" + "A" * 43,
}
