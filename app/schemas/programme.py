from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field

from app.schemas.common import ExternalRefIn, ExternalRefOut, Name, ReadSchema, Schema

RncpCode = Annotated[str, Field(pattern=r"^(RNCP)?[0-9]{2,5}$", examples=["RNCP35316"])]
DiplomaCode = Annotated[str, Field(pattern=r"^[A-Z0-9]{8}$", examples=["32031210"])]

_PROGRAMME: dict[str, Any] = {
    "title": "BTS Management commercial opérationnel",
    "rncp_code": "RNCP38362",
    "diploma_code": "32031213",
    "level": 5,
    "duration_months": 24,
}


class ProgrammeCreate(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [_PROGRAMME]})

    title: Name
    rncp_code: RncpCode | None = None
    diploma_code: DiplomaCode | None = None
    level: int | None = Field(default=None, ge=3, le=8, description="RNCP level (3 to 8).")
    duration_months: int | None = Field(default=None, ge=1, le=60)
    external_refs: list[ExternalRefIn] = Field(default_factory=list, max_length=20)


class ProgrammeUpdate(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"duration_months": 12}]})

    title: Name | None = None
    rncp_code: RncpCode | None = None
    diploma_code: DiplomaCode | None = None
    level: int | None = Field(default=None, ge=3, le=8)
    duration_months: int | None = Field(default=None, ge=1, le=60)
    external_refs: list[ExternalRefIn] | None = Field(default=None, max_length=20)


class ProgrammeRead(ReadSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"id": "…", **_PROGRAMME}]})

    title: str
    rncp_code: str | None
    diploma_code: str | None
    level: int | None
    duration_months: int | None
    external_refs: list[ExternalRefOut] = Field(default_factory=list)
