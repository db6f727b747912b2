"""Learners: identity, contact, referral and needs; ``status`` is derived and read-only."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from app.schemas.common import (
    ExternalRefIn,
    ExternalRefOut,
    LongText,
    Name,
    ReadSchema,
    Schema,
    ShortText,
)

LearnerStatusName = Literal[
    "referred", "enrolled_seeking", "under_contract", "between_contracts", "completed",
    "dropped_out",
]
Need = Literal["housing", "transport", "disability", "health", "family", "other"]
UserRef = Annotated[str, Field(max_length=36, description="A user of your organisation.")]
Postcode = Annotated[str, Field(min_length=2, max_length=10, pattern=r"^[0-9A-Za-z -]+$")]
Phone = Annotated[str, Field(max_length=30, pattern=r"^\+?[0-9 ().-]{6,30}$")]
Ine = Annotated[
    str,
    Field(
        pattern=r"^[0-9A-Za-z]{11}$",
        description="Identifiant national élève (11 letters and digits).",
        examples=["1234567890A"],
    ),
]
# PATCH may omit these, not blank them: the learner always has them.
_NOT_NULLABLE = ("first_name", "last_name", "needs", "fragile")


class LearnerAddress(Schema):
    line: ShortText | None = None
    postcode: Postcode | None = None
    city: Annotated[ShortText, Field(max_length=200)] | None = None


class LearnerReferral(Schema):
    """The prescriber's referral (*prescription*)."""

    education_level: Annotated[ShortText, Field(max_length=200)] | None = None
    qualification_sought: ShortText | None = None
    target_job: ShortText | None = None
    motivation: Annotated[LongText, Field(max_length=5000)] | None = None


class LearnerAddressRead(BaseModel):
    line: str | None = None
    postcode: str | None = None
    city: str | None = None


class LearnerReferralRead(BaseModel):
    education_level: str | None = None
    qualification_sought: str | None = None
    target_job: str | None = None
    motivation: str | None = None


_LEARNER: dict[str, Any] = {
    "first_name": "Inès",
    "last_name": "Moreau",
    "birth_date": "2007-03-14",
    "email": "ines.moreau@example.fr",
    "phone": "06 12 34 56 78",
    "ine": "1234567890A",
    "address": {"line": "3 chemin des Prés", "postcode": "43100", "city": "Brioude"},
    "referent_id": None,
    "prescriber_id": None,
    "user_id": None,
    "referral": {
        "education_level": "CAP",
        "qualification_sought": "BTS MCO",
        "target_job": "Vendeuse conseil",
        "motivation": "Wants to work in retail near home.",
    },
    "needs": ["transport"],
    "fragile": False,
    "fragile_reason": None,
}


def _unique(needs: list[str] | None) -> list[str] | None:
    return list(dict.fromkeys(needs)) if needs is not None else None


def _past(value: date | None) -> date | None:
    if value is not None and not date(1900, 1, 1) <= value <= date.today():
        raise ValueError("must be a past date after 1900")
    return value


class LearnerCreate(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [_LEARNER]})

    first_name: Name
    last_name: Name
    birth_date: date | None = None
    email: EmailStr | None = None
    phone: Phone | None = None
    ine: Ine | None = None
    address: LearnerAddress | None = None
    referent_id: UserRef | None = None
    prescriber_id: UserRef | None = Field(
        default=None,
        max_length=36,
        description="Set to the caller when a prescriber creates the learner.",
    )
    user_id: UserRef | None = Field(
        default=None, max_length=36, description="The learner's own extranet account, if any."
    )
    referral: LearnerReferral | None = None
    needs: list[Need] = Field(default_factory=list, max_length=6)
    fragile: bool = False
    fragile_reason: ShortText | None = None
    external_refs: list[ExternalRefIn] = Field(default_factory=list, max_length=20)

    _needs = field_validator("needs")(_unique)
    _born = field_validator("birth_date")(_past)


class LearnerUpdate(Schema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"needs": ["transport", "housing"], "phone": "0612345678"}]}
    )

    first_name: Name | None = None
    last_name: Name | None = None
    birth_date: date | None = None
    email: EmailStr | None = None
    phone: Phone | None = None
    ine: Ine | None = None
    address: LearnerAddress | None = None
    referent_id: UserRef | None = None
    prescriber_id: UserRef | None = None
    user_id: UserRef | None = None
    referral: LearnerReferral | None = None
    needs: list[Need] | None = Field(default=None, max_length=6)
    fragile: bool | None = None
    fragile_reason: ShortText | None = None
    external_refs: list[ExternalRefIn] | None = Field(default=None, max_length=20)

    _needs = field_validator("needs")(_unique)
    _born = field_validator("birth_date")(_past)

    @field_validator(*_NOT_NULLABLE, mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may be omitted but not null")
        return value


class LearnerRead(ReadSchema):
    """A learner as the caller may see them. Fields the caller's role may not see (a tutor:
    `address`, `needs`, `referral`, `fragile`, `fragile_reason`; a prescriber: the same but
    `referral`) are returned as `null` (`[]` for `needs`), never omitted, so that the shape
    is the same for everyone."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"id": "…", **_LEARNER, "status": "enrolled_seeking"}]}
    )

    first_name: str
    last_name: str
    birth_date: date | None
    email: str | None
    phone: str | None
    ine: str | None
    address: LearnerAddressRead | None
    referent_id: str | None
    prescriber_id: str | None
    user_id: str | None
    referral: LearnerReferralRead | None
    needs: list[str] = Field(default_factory=list)
    fragile: bool | None = Field(description="`null` when hidden from the caller.")
    fragile_reason: str | None
    status: LearnerStatusName = Field(
        description="Derived from enrolments and contracts for today (organisation's date)."
    )
    external_refs: list[ExternalRefOut] = Field(default_factory=list)


TimelineKind = Literal[
    "enrolment_started", "enrolment_ended", "contract_event", "follow_up_entry", "review_done"
]


class TimelineItem(BaseModel):
    """One dated line of a learner's timeline. ``object_type``/``object_id`` name the row it
    comes from (``enrolment``, ``contract_event``, ``follow_up_entry`` or ``review``, done
    reviews only); ``details`` holds that row's own fields."""

    date: date
    kind: TimelineKind
    summary: str
    object_type: Literal["enrolment", "contract_event", "follow_up_entry", "review"]
    object_id: str
    contract_id: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class Timeline(BaseModel):
    """Enrolments, contract events, the follow-up entries and the done reviews the caller may
    see, oldest first."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "date": "2026-09-01",
                            "kind": "enrolment_started",
                            "summary": "Enrolled in BTS MCO 2026-2028",
                            "object_type": "enrolment",
                            "object_id": "…",
                            "contract_id": None,
                            "details": {"cohort_id": "…"},
                        }
                    ]
                }
            ]
        }
    )

    items: list[TimelineItem]
