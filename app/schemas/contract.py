from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.schemas.common import ExternalRefIn, ExternalRefOut, Name, ReadSchema, Schema, ShortText

ContractKind = Literal["apprenticeship", "professionalisation", "internship"]
ContractStatusName = Literal[
    "draft", "signed", "filed", "registered", "rejected", "broken", "completed", "cancelled"
]
BreakInitiator = Literal["employer", "learner", "mutual", "other"]
Id = Annotated[str, Field(max_length=36)]
Siret = Annotated[str, Field(pattern=r"^[0-9]{14}$", examples=["73282932000074"])]
Opco = Annotated[Name, Field(max_length=100, examples=["OPCO EP"])]


class SiteAddress(Schema):
    line: ShortText | None = None
    postcode: Annotated[str, Field(pattern=r"^[0-9]{5}$")] | None = None
    city: Annotated[str, Field(max_length=200)] | None = None


class Site(Schema):
    """An extra host site of a multi-site internship (*stage pluri-institutionnel*)."""

    name: Name
    siret: Siret | None = None
    address: SiteAddress | None = None
    from_: date | None = Field(default=None, alias="from", description="First day at this site.")
    to: date | None = Field(default=None, description="Last day at this site.")

    @model_validator(mode="after")
    def _dates_in_order(self) -> Site:
        if self.from_ and self.to and self.to < self.from_:
            raise ValueError("'to' must not be before 'from'")
        return self


_CONTRACT: dict[str, Any] = {
    "kind": "apprenticeship",
    "learner_id": "…",
    "company_id": "…",
    "tutor_id": "…",
    "cohort_id": "…",
    "start_date": "2026-09-01",
    "end_date": "2028-08-31",
    "practical_start_date": "2026-09-07",
    "opco": "OPCO EP",
    "sites": [],
}


class ContractCreate(Schema):
    """``status`` and ``break`` are not sent: a contract is created ``draft`` and moves by
    ``POST /contracts/{id}/transitions``."""

    model_config = ConfigDict(json_schema_extra={"examples": [_CONTRACT]})

    kind: ContractKind
    learner_id: Id
    company_id: Id
    tutor_id: Id | None = Field(default=None, description="A tutor of company_id.")
    cohort_id: Id | None = None
    start_date: date
    end_date: date = Field(description="After start_date.")
    practical_start_date: date | None = Field(
        default=None,
        description="First day in the company: from start_date to 3 months after it.",
    )
    opco: Opco | None = Field(
        default=None, description="The company's OPCO when not given or null."
    )
    sites: list[Site] = Field(
        default_factory=list, max_length=20, description="Internships only: extra host sites."
    )
    external_refs: list[ExternalRefIn] = Field(default_factory=list, max_length=20)


class ContractUpdate(Schema):
    """Changing ``tutor_id`` here records a tutor change event without a reason; use
    ``POST /contracts/{id}/tutor-changes`` to give one."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"end_date": "2028-06-30"}]})

    kind: ContractKind | None = None
    learner_id: Id | None = None
    company_id: Id | None = None
    tutor_id: Id | None = None
    cohort_id: Id | None = None
    start_date: date | None = None
    end_date: date | None = None
    practical_start_date: date | None = None
    opco: Opco | None = None
    sites: list[Site] | None = Field(default=None, max_length=20)
    external_refs: list[ExternalRefIn] | None = Field(default=None, max_length=20)


class SiteRead(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    name: str
    siret: str | None = None
    address: dict[str, str | None] | None = None
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None


class ContractBreak(BaseModel):
    date: date
    initiator: BreakInitiator
    reason: str | None
    within_trial_period: bool | None = Field(
        description="Apprenticeships: the break falls within the first 45 days after the "
        "practical start (L6222-18). Null for other kinds."
    )


class ContractRead(ReadSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "…",
                    **_CONTRACT,
                    "status": "registered",
                    "break": None,
                    "running": True,
                    "external_refs": [],
                }
            ]
        }
    )

    kind: ContractKind
    learner_id: str
    company_id: str
    tutor_id: str | None
    cohort_id: str | None
    start_date: date
    end_date: date
    practical_start_date: date | None
    opco: str | None
    status: ContractStatusName
    break_: ContractBreak | None = Field(alias="break", description="Set by the `broken` move.")
    sites: list[SiteRead] = Field(default_factory=list)
    running: bool = Field(
        description="In force today (organisation's local date): within its dates, signed, "
        "filed or registered, or broken with a break date still to come."
    )
    external_refs: list[ExternalRefOut] = Field(default_factory=list)


class TransitionCreate(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"to": "filed", "on": "2026-09-03", "reason": "Sent to the OPCO"},
                {
                    "to": "broken",
                    "on": "2026-10-15",
                    "initiator": "mutual",
                    "reason": "Learner moves to another region",
                },
            ]
        }
    )

    to: ContractStatusName
    on: date | None = Field(default=None, description="Effective date; today if omitted.")
    reason: ShortText | None = None
    initiator: BreakInitiator | None = Field(
        default=None, description="Who initiated the break: required for `broken` only."
    )


class TutorChangeCreate(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"tutor_id": "…", "on": "2026-11-02", "reason": "Conflict with tutor"}]
        }
    )

    tutor_id: Id | None = Field(description="The new tutor (of the contract's company), or null.")
    on: date | None = Field(default=None, description="Effective date; today if omitted.")
    reason: ShortText | None = None


class ContractEventRead(BaseModel):
    """One line of a contract's history: who did what, when, and why."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    contract_id: str
    kind: Literal["created", "transition", "tutor_change"]
    on: date
    from_status: ContractStatusName | None
    to_status: ContractStatusName | None
    from_tutor_id: str | None
    to_tutor_id: str | None
    reason: str | None
    actor_id: str | None = Field(description="The user or API client who recorded it.")
    occurred_at: datetime
