"""Reviews: company visits, the two-month interview and other reviews of a contract, scheduled,
done on a grid, then signed off by tutor and learner, after which they are locked."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from app.schemas.common import (
    ExternalRefIn,
    ExternalRefOut,
    LongText,
    Name,
    ReadSchema,
    Schema,
)
from app.schemas.review_template import ReviewKind

Outcome = Literal["ok", "watch", "at_risk"]
SignoffRole = Literal["tutor", "learner"]
ParticipantRole = Literal["learner", "tutor", "employer", "referent", "staff", "other"]
Id = Annotated[str, Field(max_length=36)]
AnswerKey = Annotated[str, Field(min_length=1, max_length=50)]
# A scale value (integer or word) or free text; checked against the review's grid.
Answer = (
    Annotated[StrictInt, Field(ge=-1000, le=1000)] | Annotated[LongText, Field(max_length=5000)]
)
Answers = Annotated[
    dict[AnswerKey, Answer],
    Field(
        max_length=500,
        description="`{criterion_key: value}` on the review's grid. Replaced as a whole.",
    ),
]

_REVIEW: dict[str, Any] = {
    "contract_id": "…",
    "kind": "visit",
    "template_id": "…",
    "scheduled_on": "2026-11-20",
    "done_on": "2026-11-20",
    "reviewer_id": "…",
    "participants": [
        {"role": "tutor", "name": "Paul Martin"},
        {"role": "learner", "user_id": "…"},
    ],
    "answers": {"punctuality": 4, "tutor_comment": "Très bonne intégration."},
    "outcome": "ok",
    "summary": "Apprentie autonome sur la caisse, à accompagner sur la vente conseil.",
}


class Participant(Schema):
    role: ParticipantRole
    name: Name | None = None
    user_id: Id | None = Field(default=None, description="A user of your organisation.")


Participants = Annotated[list[Participant], Field(max_length=20)]


class ReviewCreate(Schema):
    """A review of a contract you may see; `learner_id` is the contract's learner. Give
    `scheduled_on` to plan it, `done_on` once it took place (answers then complete)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_REVIEW]})

    contract_id: Id
    kind: ReviewKind
    template_id: Id | None = Field(
        default=None, description="The grid (one revision of it); its revision is recorded."
    )
    scheduled_on: date | None = None
    done_on: date | None = None
    reviewer_id: Id | None = Field(default=None, description="Who holds the review (a user).")
    participants: Participants = Field(default_factory=list)
    answers: Answers = Field(default_factory=dict)
    outcome: Outcome | None = None
    summary: Annotated[LongText, Field(max_length=10_000)] | None = None
    external_refs: list[ExternalRefIn] = Field(default_factory=list, max_length=20)


class ReviewUpdate(Schema):
    """Reschedule, record what was done, or correct it, until the first sign-off (then 409)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"done_on": "2026-11-20", "outcome": "watch"}]}
    )

    template_id: Id | None = None
    scheduled_on: date | None = None
    done_on: date | None = None
    reviewer_id: Id | None = None
    participants: Participants | None = None
    answers: Answers | None = None
    outcome: Outcome | None = None
    summary: Annotated[LongText, Field(max_length=10_000)] | None = None
    external_refs: list[ExternalRefIn] | None = Field(default=None, max_length=20)


class SignoffCreate(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"role": "tutor"}]})

    role: SignoffRole


class ParticipantRead(BaseModel):
    role: str
    name: str | None = None
    user_id: str | None = None


class SignoffRead(BaseModel):
    role: SignoffRole
    user_id: str | None = Field(description="The tutor's or learner's account, if any.")
    signed_at: datetime
    recorded_by_id: str | None = Field(
        default=None, description="Set when the CFA team recorded a signature on paper."
    )


class ReviewRead(ReadSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "…",
                    **_REVIEW,
                    "learner_id": "…",
                    "template_revision": 2,
                    "signoffs": [
                        {"role": "tutor", "user_id": "…", "signed_at": "2026-11-21T09:12:00Z"}
                    ],
                    "locked_at": "2026-11-21T09:12:00Z",
                }
            ]
        }
    )

    contract_id: str
    learner_id: str
    kind: str
    template_id: str | None
    template_revision: int | None
    scheduled_on: date | None
    done_on: date | None
    reviewer_id: str | None
    participants: list[ParticipantRead]
    answers: dict[str, int | str]
    outcome: str | None
    summary: str | None
    signoffs: list[SignoffRead]
    locked_at: datetime | None = Field(description="Set by the first sign-off: no more edits.")
    external_refs: list[ExternalRefOut] = Field(default_factory=list)
