"""The follow-up log (*livret de suivi*): dated, typed entries shared by visibility."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from app.schemas.common import (
    ExternalRefIn,
    ExternalRefOut,
    LongText,
    ReadSchema,
    Schema,
    ShortText,
)

FollowUpKind = Literal[
    "interview",
    "workshop",
    "job_search",
    "company_contact",
    "call",
    "visit",
    "review",
    "incident",
    "note",
    "post_contract",
]
Visibility = Literal["internal", "learner", "company", "all"]
Summary = Annotated[ShortText, Field(min_length=1, max_length=500)]
Id = Annotated[str, Field(min_length=1, max_length=36)]

_VISIBILITY_HELP = (
    "Who besides the organisation's team reads it: `internal` (team only), `learner` (also the "
    "learner), `company` (also the company tutor), `all` (also the learner, tutor and prescriber)."
)
_OCCURRED_HELP = (
    "The day it happened: not after tomorrow in the organisation's time zone (one day of grace "
    "for clients in other time zones), not before 2000-01-01."
)

_ENTRY: dict[str, Any] = {
    "learner_id": "6f1c2a7e-2b1d-4c55-9a43-0d5b8f7f4c11",
    "contract_id": "0b7c63d4-5e2f-4a1b-8d0e-8f9a3c2d1e10",
    "kind": "visit",
    "occurred_on": "2026-11-11",
    "summary": "Visite en entreprise : bonne intégration dans l'équipe",
    "body": "Tuteur satisfait ; point à surveiller sur la ponctualité le lundi.",
    "visibility": "company",
    "next_step": "Bilan mi-parcours avec le tuteur",
    "next_step_due_on": "2027-01-15",
}


class FollowUpEntryCreate(Schema):
    """``author_id`` is not sent: it is the caller (null for a machine client).
    ``company_id`` defaults to the contract's company."""

    model_config = ConfigDict(json_schema_extra={"examples": [_ENTRY]})

    learner_id: Id
    contract_id: Id | None = None
    company_id: Id | None = None
    kind: FollowUpKind
    occurred_on: date = Field(description=_OCCURRED_HELP)
    summary: Summary
    body: LongText | None = None
    visibility: Visibility = Field(default="internal", description=_VISIBILITY_HELP)
    next_step: ShortText | None = None
    next_step_due_on: date | None = Field(
        default=None, description="Needs a `next_step`; not before `occurred_on`."
    )
    external_refs: list[ExternalRefIn] = Field(default_factory=list, max_length=20)


class FollowUpEntryUpdate(Schema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"visibility": "all", "next_step": None}]}
    )

    learner_id: Id | None = None
    contract_id: Id | None = None
    company_id: Id | None = None
    kind: FollowUpKind | None = None
    occurred_on: date | None = Field(default=None, description=_OCCURRED_HELP)
    summary: Summary | None = None
    body: LongText | None = None
    visibility: Visibility | None = Field(default=None, description=_VISIBILITY_HELP)
    next_step: ShortText | None = None
    next_step_due_on: date | None = None
    external_refs: list[ExternalRefIn] | None = Field(default=None, max_length=20)


class FollowUpEntryRead(ReadSchema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"id": "…", "author_id": "…", **_ENTRY}]}
    )

    learner_id: str
    contract_id: str | None
    company_id: str | None
    kind: FollowUpKind
    occurred_on: date
    author_id: str | None = Field(description="Who wrote it; null when a machine client did.")
    summary: str
    body: str | None
    visibility: Visibility
    next_step: str | None
    next_step_due_on: date | None
    external_refs: list[ExternalRefOut] = Field(default_factory=list)
