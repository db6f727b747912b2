"""Cohorts (*promotions*): one programme's group for a period, followed by referents."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import ConfigDict, Field

from app.schemas.common import ExternalRefIn, ExternalRefOut, Name, ReadSchema, Schema

_COHORT: dict[str, Any] = {
    "programme_id": "…",
    "name": "BTS MCO 2026-2028",
    "start_date": "2026-09-01",
    "end_date": "2028-06-30",
    "referent_ids": [],
}
UserId = Annotated[str, Field(min_length=1, max_length=36)]
REFERENTS = (
    "Users who follow the cohort (role `referent`, or CFA staff: admin, coordinator, staff, "
    "company_relations). Replaced as a whole when sent."
)
END_DATE = "Not before `start_date`."


class CohortCreate(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [_COHORT]})

    programme_id: str = Field(max_length=36)
    name: Name
    start_date: date
    end_date: date = Field(description=END_DATE)
    referent_ids: list[UserId] = Field(default_factory=list, max_length=50, description=REFERENTS)
    external_refs: list[ExternalRefIn] = Field(default_factory=list, max_length=20)


class CohortUpdate(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "BTS MCO 2026-2028 A"}]})

    programme_id: str | None = Field(default=None, max_length=36)
    name: Name | None = None
    start_date: date | None = None
    end_date: date | None = Field(default=None, description=END_DATE)
    referent_ids: list[UserId] | None = Field(default=None, max_length=50, description=REFERENTS)
    external_refs: list[ExternalRefIn] | None = Field(default=None, max_length=20)


class CohortRead(ReadSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"id": "…", **_COHORT}]})

    programme_id: str
    name: str
    start_date: date
    end_date: date
    referent_ids: list[str] = Field(default_factory=list)
    external_refs: list[ExternalRefOut] = Field(default_factory=list)
