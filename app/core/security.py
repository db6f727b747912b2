"""Passwords (argon2) and tokens (python-jose). Nothing else imports jose or argon2."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from jose import JWTError, jwt

from app.core.config import Settings

_hasher = PasswordHasher()
# Verified against when the account does not exist, so that timing does not reveal it.
_DUMMY_HASH = _hasher.hash("relais-dummy-password")


class InvalidToken(Exception):
    pass


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_opaque_token() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """Opaque tokens and secrets are stored as SHA-256 digests: they have full entropy already."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_access_token(
    settings: Settings,
    *,
    subject: str,
    organisation_id: str,
    roles: list[str],
    subject_type: str = "user",
    scopes: list[str] | None = None,
) -> tuple[str, int]:
    now = datetime.now(UTC)
    lifetime = timedelta(minutes=settings.access_token_minutes)
    claims: dict[str, Any] = {
        "sub": subject,
        "sub_type": subject_type,
        "org": organisation_id,
        "roles": roles,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "jti": secrets.token_hex(8),
    }
    if scopes is not None:
        claims["scope"] = " ".join(scopes)
    if settings.jwt_algorithm == "RS256":
        if not settings.jwt_private_key or not settings.jwt_private_key_id:
            raise RuntimeError("RS256 needs a private key and its key id")
        token = jwt.encode(
            claims,
            settings.jwt_private_key,
            algorithm="RS256",
            headers={"kid": settings.jwt_private_key_id},
        )
    else:
        token = jwt.encode(claims, settings.jwt_secret, algorithm="HS256")
    return token, int(lifetime.total_seconds())


def decode_access_token(settings: Settings, token: str) -> dict[str, Any]:
    """Decode with the algorithm pinned by configuration, never the one the token claims."""
    try:
        if settings.jwt_algorithm == "RS256":
            kid = jwt.get_unverified_header(token).get("kid")
            key = settings.jwt_public_keys.get(kid or "")
            if key is None:
                raise InvalidToken("unknown key id")
        else:
            key = settings.jwt_secret
        claims = jwt.decode(
            token,
            key,
            algorithms=[settings.jwt_algorithm],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require_exp": True, "require_iat": True, "require_sub": True},
        )
    except JWTError as exc:
        raise InvalidToken(str(exc)) from exc
    if not isinstance(claims.get("org"), str) or not isinstance(claims.get("roles"), list):
        raise InvalidToken("missing organisation or roles claims")
    return claims
