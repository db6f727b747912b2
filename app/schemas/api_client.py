from __future__ import annotations

from pydantic import ConfigDict, Field

from app.models.api_client import Scope
from app.schemas.common import Name, ReadSchema, Schema


class ApiClientCreate(Schema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"name": "Ypareo sync", "scopes": ["read", "write"]}]}
    )

    name: Name
    scopes: list[Scope] = Field(min_length=1, max_length=3)


class ApiClientUpdate(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"active": False}]})

    name: Name | None = None
    scopes: list[Scope] | None = Field(default=None, min_length=1, max_length=3)
    active: bool | None = None


class ApiClientRead(ReadSchema):
    name: str
    client_id: str
    scopes: list[str]
    active: bool


class ApiClientCreated(ApiClientRead):
    """Returned once, at creation: the secret is stored hashed and cannot be read again."""

    client_secret: str
