"""Enrolments: a learner's place in a cohort; dropping out is recorded here."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from app.schemas.common import ReadSchema, Schema

EndedReason = Literal["completed", "dropped_out", "excluded", "transferred", "other"]

_ENROLMENT: dict[str, Any] = {
    "cohort_id": "…",
    "start_date": "2026-09-01",
    "end_date": None,
    "ended_reason": None,
}
_ENDED_REASON_HELP = "Why the enrolment ended; requires `end_date`."


class EnrolmentCreate(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [_ENROLMENT]})

    cohort_id: str = Field(max_length=36, description="A cohort of your organisation.")
    start_date: date
    end_date: date | None = Field(
        default=None, description="Last day; by default the cohort's end date applies."
    )
    ended_reason: EndedReason | None = Field(default=None, description=_ENDED_REASON_HELP)


class EnrolmentUpdate(Schema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"end_date": "2027-01-15", "ended_reason": "dropped_out"}]}
    )

    cohort_id: str | None = Field(default=None, max_length=36)
    start_date: date | None = None
    end_date: date | None = None
    ended_reason: EndedReason | None = Field(default=None, description=_ENDED_REASON_HELP)

    @field_validator("cohort_id", "start_date", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may be omitted but not null")
        return value


class EnrolmentRead(ReadSchema):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={"examples": [{"id": "…", "learner_id": "…", **_ENROLMENT}]},
    )

    learner_id: str
    cohort_id: str
    start_date: date
    end_date: date | None
    ended_reason: EndedReason | None
