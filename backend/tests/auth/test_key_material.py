"""API key strings."""

from __future__ import annotations

import hashlib

from underway.auth.key_material import (
    display_prefix,
    generate_api_key,
    hash_api_key,
    is_api_key,
    is_well_formed,
)


def test_generated_keys() -> None:
    key = generate_api_key()
    assert key.startswith("uwk_") and len(key) == 47
    assert is_api_key(key) and is_well_formed(key)
    assert display_prefix(key) == key[:12]
    assert hash_api_key(key) == hashlib.sha256(key.encode()).hexdigest()
    assert generate_api_key() != key


def test_malformed_keys() -> None:
    for bad in ("uwk_", "uwk_short", "uwk_" + "A" * 42, "uwk_" + "A" * 44, "uwk_" + "!" * 43):
        assert not is_well_formed(bad)
    assert not is_api_key("eyJhbGciOi.x.y")
