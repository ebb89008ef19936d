"""API key strings: how they are made, recognised and hashed.

A key is ``uwk_`` followed by 32 random bytes in base64url. Only its SHA-256 is stored. A fast hash
is right here, unlike for passwords: password hashing is slow to make guessing low-entropy human
secrets expensive, but a 256-bit random key cannot be guessed however fast the hash is, and a
fast hash keeps every API call cheap. For the same reason looking the hash up in the database
(a timing-variable index search) leaks nothing useful: learning bits of the SHA-256 of a
candidate key brings an attacker no closer to a key that hashes to a stored value.
"""

from __future__ import annotations

import hashlib
import re
import secrets

API_KEY_PREFIX = "uwk_"
_KEY_BYTES = 32
# base64url of 32 bytes without padding is 43 characters.
_KEY_RE = re.compile(r"^uwk_[A-Za-z0-9_-]{43}$")
DISPLAY_PREFIX_LENGTH = 12


def generate_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(_KEY_BYTES)


def is_api_key(token: str) -> bool:
    """Whether a bearer credential is meant as an API key (rather than a JWT)."""
    return token.startswith(API_KEY_PREFIX)


def is_well_formed(key: str) -> bool:
    return _KEY_RE.fullmatch(key) is not None


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode("ascii")).hexdigest()


def display_prefix(key: str) -> str:
    return key[:DISPLAY_PREFIX_LENGTH]
