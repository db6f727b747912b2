"""Settings, read from the environment (prefix ``RELAIS_``) when the app is built."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Development default: refused in production (see ``_refuse_weak_secrets``).
DEFAULT_SECRET = "relais-dev-secret-change-me-please-0000"
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RELAIS_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite+aiosqlite:///./relais.db"
    # NullPool opens a connection per session: needed when the app is driven from several event
    # loops (schemathesis' in-process client), harmless for SQLite.
    database_null_pool: bool = False

    jwt_algorithm: Literal["HS256", "RS256"] = "HS256"
    jwt_secret: str = DEFAULT_SECRET
    # RS256: the signing key (PEM) and its kid, plus every public key still accepted (kid -> PEM).
    jwt_private_key: str | None = None
    jwt_private_key_id: str | None = None
    jwt_public_keys: dict[str, str] = Field(default_factory=dict)
    jwt_issuer: str = "relais"
    jwt_audience: str = "relais-api"
    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=30, ge=1, le=365)

    login_max_failures_per_account: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=30, ge=1)
    login_failure_window_seconds: int = Field(default=900, ge=1)

    cors_origins: list[str] = Field(default_factory=list)
    log_level: str = "INFO"
    default_timezone: str = "Europe/Paris"

    @model_validator(mode="after")
    def _refuse_weak_secrets(self) -> Settings:
        if self.environment != "production":
            return self
        if self.jwt_algorithm == "HS256":
            if self.jwt_secret == DEFAULT_SECRET:
                raise ValueError(
                    "RELAIS_JWT_SECRET is the development default; anyone could forge tokens. "
                    "Set a random secret of at least 32 characters in production."
                )
            if len(self.jwt_secret) < MIN_SECRET_LENGTH:
                raise ValueError(
                    f"RELAIS_JWT_SECRET is shorter than {MIN_SECRET_LENGTH} characters; "
                    "a short HMAC secret can be brute-forced. Use a longer random secret."
                )
        elif not (self.jwt_private_key and self.jwt_private_key_id):
            raise ValueError(
                "RS256 needs RELAIS_JWT_PRIVATE_KEY and RELAIS_JWT_PRIVATE_KEY_ID in production."
            )
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
