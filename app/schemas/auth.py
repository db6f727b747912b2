from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import Schema, Text


class TokenPair(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…",
                    "token_type": "bearer",
                    "expires_in": 900,
                    "refresh_token": "3q2-7wEAAAA…",
                    "refresh_expires_in": 2592000,
                }
            ]
        }
    )

    access_token: str
    token_type: str = "bearer"
    expires_in: int
    refresh_token: str | None = None
    refresh_expires_in: int | None = None
    scope: str | None = None


class RefreshRequest(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"refresh_token": "3q2-7wEAAAA…"}]})

    refresh_token: Text = Field(min_length=1, max_length=200)
