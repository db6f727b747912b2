"""Tokens: the algorithm is pinned, keys rotate, and forged or stale tokens are refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwt

from app.core.config import DEFAULT_SECRET, Settings
from app.core.security import (
    InvalidToken,
    create_access_token,
    decode_access_token,
    hash_password,
    verify_password,
)

HS = Settings(jwt_secret="s" * 40)


def _rsa_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def _token(settings: Settings = HS) -> str:
    return create_access_token(settings, subject="u1", organisation_id="o1", roles=["staff"])[0]


def test_a_good_token_carries_the_claims() -> None:
    claims = decode_access_token(HS, _token())
    assert claims["sub"] == "u1" and claims["org"] == "o1" and claims["roles"] == ["staff"]
    assert claims["iss"] == "relais" and claims["aud"] == "relais-api"
    assert claims["exp"] > claims["iat"]


def test_alg_none_is_refused() -> None:
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    claims = jwt.get_unverified_claims(_token())
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode())
    forged = f"{header.decode().rstrip('=')}.{payload.decode().rstrip('=')}."
    with pytest.raises(InvalidToken):
        decode_access_token(HS, forged)


def test_wrong_key_wrong_audience_and_expired_are_refused() -> None:
    with pytest.raises(InvalidToken):
        decode_access_token(Settings(jwt_secret="t" * 40), _token())
    with pytest.raises(InvalidToken):
        decode_access_token(HS.model_copy(update={"jwt_audience": "other"}), _token())
    claims = jwt.get_unverified_claims(_token())
    claims.update(exp=int(time.time()) - 10)
    expired = jwt.encode(claims, HS.jwt_secret, algorithm="HS256")
    with pytest.raises(InvalidToken):
        decode_access_token(HS, expired)


def test_hs256_token_is_refused_when_rs256_is_configured() -> None:
    """Algorithm confusion: an HMAC token signed with the public key must not pass."""
    private, public = _rsa_pair()
    rs = Settings(
        jwt_algorithm="RS256",
        jwt_private_key=private,
        jwt_private_key_id="k1",
        jwt_public_keys={"k1": public},
    )

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "k1"}).encode())
    payload = b64(json.dumps(jwt.get_unverified_claims(_token())).encode())
    mac = hmac.new(public.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    confused = f"{header}.{payload}.{b64(mac)}"
    with pytest.raises(InvalidToken):
        decode_access_token(rs, confused)


def test_rs256_rotation_accepts_old_and_new_keys() -> None:
    old_private, old_public = _rsa_pair()
    new_private, new_public = _rsa_pair()
    before = Settings(
        jwt_algorithm="RS256",
        jwt_private_key=old_private,
        jwt_private_key_id="2026-01",
        jwt_public_keys={"2026-01": old_public},
    )
    old_token = _token(before)
    assert jwt.get_unverified_header(old_token)["kid"] == "2026-01"
    after = Settings(
        jwt_algorithm="RS256",
        jwt_private_key=new_private,
        jwt_private_key_id="2026-07",
        jwt_public_keys={"2026-01": old_public, "2026-07": new_public},
    )
    assert decode_access_token(after, old_token)["sub"] == "u1"
    assert decode_access_token(after, _token(after))["sub"] == "u1"
    retired = after.model_copy(update={"jwt_public_keys": {"2026-07": new_public}})
    with pytest.raises(InvalidToken):
        decode_access_token(retired, old_token)


def test_passwords_are_argon2_hashed() -> None:
    hashed = hash_password("a long passphrase")
    assert hashed.startswith("$argon2")
    assert verify_password("a long passphrase", hashed)
    assert not verify_password("another", hashed)
    assert not verify_password("anything", None)


@pytest.mark.parametrize(
    ("secret", "reason"),
    [(DEFAULT_SECRET, "development default"), ("short-secret", "shorter than 32")],
)
def test_production_refuses_weak_secrets(secret: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        Settings(environment="production", jwt_secret=secret)


def test_production_accepts_a_strong_secret() -> None:
    settings = Settings(environment="production", jwt_secret="x" * 48)
    assert settings.environment == "production"
