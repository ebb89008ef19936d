"""TokenCodec: what it issues, and that it accepts nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.auth.forge import forge
from underway.auth.errors import InvalidToken
from underway.auth.tokens import MAX_TOKEN_BYTES, TokenCodec

KEY = "k" * 64


def codec(now: datetime | None = None, ttl_s: int = 1800) -> TokenCodec:
    clock = (lambda: now) if now else (lambda: datetime.now(UTC))
    return TokenCodec(KEY, issuer="underway", audience="underway-api", ttl_s=ttl_s, now=clock)


def test_round_trip() -> None:
    issued = codec().issue("alice")
    assert issued.expires_in == 1800
    claims = codec().decode(issued.token)
    assert claims.subject == "alice"
    assert claims.jti == issued.jti
    assert claims.expires_at - claims.issued_at == timedelta(seconds=1800)
    assert len(issued.token) < MAX_TOKEN_BYTES // 4


def test_every_token_has_its_own_jti() -> None:
    assert codec().issue("alice").jti != codec().issue("alice").jti


def test_expired_own_token_is_refused() -> None:
    old = codec(now=datetime.now(UTC) - timedelta(hours=1), ttl_s=60).issue("alice")
    with pytest.raises(InvalidToken):
        codec().decode(old.token)


def test_other_issuer_or_audience_settings_refuse_the_token() -> None:
    token = codec().issue("alice").token
    with pytest.raises(InvalidToken):
        TokenCodec(KEY, issuer="other", audience="underway-api", ttl_s=60).decode(token)
    with pytest.raises(InvalidToken):
        TokenCodec(KEY, issuer="underway", audience="other", ttl_s=60).decode(token)


def test_short_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="32"):
        TokenCodec("short", issuer="i", audience="a", ttl_s=60)


def test_size_cap_applies_before_parsing() -> None:
    with pytest.raises(InvalidToken) as info:
        codec().decode("a" * (MAX_TOKEN_BYTES + 1))
    assert info.value.reason == "token too large"


def test_hs256_with_the_right_key_is_the_only_accepted_form() -> None:
    now = int(datetime.now(UTC).timestamp())
    claims = {
        "sub": "a",
        "iat": now,
        "exp": now + 60,
        "iss": "underway",
        "aud": "underway-api",
        "typ": "access",
        "jti": "j",
    }
    assert codec().decode(forge(claims, KEY)).subject == "a"
    for alg in ("HS384", "HS512"):
        with pytest.raises(InvalidToken):
            codec().decode(forge(claims, KEY, alg=alg))
