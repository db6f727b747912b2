"""Tutors (*maîtres d'apprentissage*): people at a company, with an optional extranet account."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, EmailStr, Field

from app.schemas.common import ExternalRefIn, ExternalRefOut, Name, ReadSchema, Schema
from app.schemas.company import Phone

_TUTOR: dict[str, Any] = {
    "first_name": "Karim",
    "last_name": "Benali",
    "email": "karim.benali@boulangerie-martin.fr",
    "phone": "06 12 34 56 78",
    "job_title": "Chef boulanger",
    "user_id": None,
}
USER_ID = "The tutor's extranet account: a user with the `tutor` role in the organisation."


class TutorCreate(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [_TUTOR]})

    first_name: Name
    last_name: Name
    email: EmailStr | None = None
    phone: Phone | None = None
    job_title: Name | None = None
    user_id: str | None = Field(default=None, max_length=36, description=USER_ID)
    external_refs: list[ExternalRefIn] = Field(default_factory=list, max_length=20)


class TutorUpdate(Schema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"job_title": "Responsable atelier"}]}
    )

    first_name: Name | None = None
    last_name: Name | None = None
    email: EmailStr | None = None
    phone: Phone | None = None
    job_title: Name | None = None
    user_id: str | None = Field(default=None, max_length=36, description=USER_ID)
    external_refs: list[ExternalRefIn] | None = Field(default=None, max_length=20)


class TutorRead(ReadSchema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"id": "…", "company_id": "…", **_TUTOR}]}
    )

    company_id: str
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    job_title: str | None
    user_id: str | None
    external_refs: list[ExternalRefOut] = Field(default_factory=list)
