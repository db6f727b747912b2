from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, EmailStr, Field

from app.models.user import Role
from app.schemas.common import Name, ReadSchema, Schema, Text

_EXAMPLE: dict[str, Any] = {
    "email": "claire.martin@cfa-exemple.fr",
    "first_name": "Claire",
    "last_name": "Martin",
    "roles": ["referent"],
    "active": True,
}


class UserCreate(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [{**_EXAMPLE, "password": "…"}]})

    email: EmailStr
    first_name: Name
    last_name: Name
    roles: list[Role] = Field(min_length=1, max_length=9)
    active: bool = True
    password: Text | None = Field(default=None, min_length=10, max_length=200)


class UserUpdate(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"roles": ["referent", "staff"]}]})

    first_name: Name | None = None
    last_name: Name | None = None
    roles: list[Role] | None = Field(default=None, min_length=1, max_length=9)
    active: bool | None = None
    password: Text | None = Field(default=None, min_length=10, max_length=200)


class UserRead(ReadSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"id": "…", **_EXAMPLE}]})

    organisation_id: str
    email: str
    first_name: str
    last_name: str
    roles: list[str]
    active: bool


class Me(UserRead):
    """The caller. For a machine client, ``kind`` is ``api_client`` and names come from it."""

    kind: str = "user"


class OrganisationRead(ReadSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"id": "…", "name": "CFA Exemple", "uai": "0751234A", "timezone": "Europe/Paris"}
            ]
        },
    )

    name: str
    uai: str | None
    siret: str | None
    timezone: str


class OrganisationUpdate(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"uai": "0751234A"}]})

    name: Name | None = None
    uai: str | None = Field(default=None, pattern=r"^[0-9]{7}[A-Za-z]$")
    siret: str | None = Field(default=None, pattern=r"^[0-9]{14}$")
    timezone: str | None = Field(default=None, max_length=64)
