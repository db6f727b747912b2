from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import ConfigDict, Field, model_validator

from app.schemas.common import ExternalRefIn, ExternalRefOut, Name, ReadSchema, Schema

RncpCode = Annotated[str, Field(pattern=r"^(RNCP)?[0-9]{2,5}$", examples=["RNCP35316"])]
DiplomaCode = Annotated[str, Field(pattern=r"^[A-Z0-9]{8}$", examples=["32031210"])]

_PROGRAMME = {
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


_COHORT = {
    "programme_id": "…",
    "name": "BTS MCO 2026-2028",
    "start_date": "2026-09-01",
    "end_date": "2028-06-30",
    "referent_ids": [],
}


class CohortCreate(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [_COHORT]})

    programme_id: str = Field(max_length=36)
    name: Name
    start_date: date
    end_date: date
    referent_ids: list[str] = Field(default_factory=list, max_length=50)
    external_refs: list[ExternalRefIn] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _dates_in_order(self) -> CohortCreate:
        if self.end_date < self.start_date:
            raise ValueError("end_date must not be before start_date")
        return self


class CohortUpdate(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "BTS MCO 2026-2028 A"}]})

    programme_id: str | None = Field(default=None, max_length=36)
    name: Name | None = None
    start_date: date | None = None
    end_date: date | None = None
    referent_ids: list[str] | None = Field(default=None, max_length=50)
    external_refs: list[ExternalRefIn] | None = Field(default=None, max_length=20)


class CohortRead(ReadSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"id": "…", **_COHORT}]})

    programme_id: str
    name: str
    start_date: date
    end_date: date
    referent_ids: list[str] = Field(default_factory=list)
    external_refs: list[ExternalRefOut] = Field(default_factory=list)
