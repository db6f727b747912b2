"""Attendance (*absences et retards*): one mark per learner per half-day or session, the
register of a whole cohort in one request, justifications, and rates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import ReadSchema, Schema, ShortText

HalfDay = Literal["am", "pm", "session"]
AttendanceStatus = Literal["present", "absent", "late", "excused"]
Id = Annotated[str, Field(min_length=1, max_length=36)]
SessionLabel = Annotated[ShortText, Field(max_length=100)]
Minutes = Annotated[int, Field(ge=1, le=720)]
Reason = Annotated[ShortText, Field(min_length=1, max_length=500)]
DocumentRef = Annotated[ShortText, Field(min_length=1, max_length=200)]

_SLOT_HELP = (
    "`am` or `pm` for a half-day, `session` for a named session (then `session_label` names "
    "it, e.g. `TP réseaux 14h-16h`; it stays empty for half-days)."
)
_STATUS_HELP = (
    "`present`, `absent`, `late` (with `minutes`) or `excused` (an absence authorised "
    "beforehand; the only status that may be recorded ahead of the day)."
)
_REASON_HELP = "Why the learner was absent or late, as stated."

_MARK: dict[str, Any] = {
    "learner_id": "6f1c2a7e-2b1d-4c55-9a43-0d5b8f7f4c11",
    "cohort_id": "2d4e6f80-1a3b-4c5d-8e9f-0a1b2c3d4e5f",
    "day": "2026-11-16",
    "half_day": "am",
    "session_label": "",
    "status": "late",
    "minutes": 20,
    "reason": "Retard de train",
}


class AttendanceMarkCreate(Schema):
    """``cohort_id`` defaults to the cohort the learner is enrolled in on ``day``."""

    model_config = ConfigDict(json_schema_extra={"examples": [_MARK]})

    learner_id: Id
    cohort_id: Id | None = None
    day: date
    half_day: HalfDay = Field(description=_SLOT_HELP)
    session_label: SessionLabel = ""
    status: AttendanceStatus = Field(description=_STATUS_HELP)
    minutes: Minutes | None = Field(default=None, description="Minutes late; only when `late`.")
    reason: Reason | None = Field(default=None, description=_REASON_HELP)


class AttendanceMarkUpdate(Schema):
    """The slot (learner, day, half-day or session) is the mark's identity: to move a mark,
    delete it and record another. Leaving ``late`` clears ``minutes``; becoming ``present``
    clears the justification."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "present"}]})

    status: AttendanceStatus | None = Field(default=None, description=_STATUS_HELP)
    minutes: Minutes | None = None
    reason: Reason | None = Field(default=None, description=_REASON_HELP)


class AttendanceMarkRead(ReadSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "…",
                    **_MARK,
                    "justified": False,
                    "document_ref": None,
                    "justified_at": None,
                    "recorded_by_id": "…",
                }
            ]
        }
    )

    learner_id: str
    cohort_id: str | None
    day: date
    half_day: HalfDay
    session_label: str
    status: AttendanceStatus
    minutes: int | None
    reason: str | None
    justified: bool = Field(description="A justification was given (reason, maybe a document).")
    document_ref: str | None
    justified_at: datetime | None
    recorded_by_id: str | None = Field(
        description="Who last recorded or changed the mark; null for a machine client."
    )


class JustificationCreate(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"reason": "Arrêt maladie", "document_ref": "GED-2026-00412"}]
        }
    )

    reason: Reason
    document_ref: DocumentRef | None = Field(
        default=None, description="Where the supporting document is (a reference, not a file)."
    )


class RegisterRow(Schema):
    learner_id: Id
    status: AttendanceStatus = Field(description=_STATUS_HELP)
    minutes: Minutes | None = Field(default=None, description="Minutes late; only when `late`.")
    reason: Reason | None = Field(
        default=None, description=_REASON_HELP + " Left out: the current reason is kept."
    )


class RegisterCreate(Schema):
    """A trainer takes the register: one row per learner for one slot of one cohort."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "cohort_id": _MARK["cohort_id"],
                    "day": "2026-11-16",
                    "half_day": "am",
                    "marks": [
                        {"learner_id": _MARK["learner_id"], "status": "present"},
                        {"learner_id": "9a8b7c6d-…", "status": "late", "minutes": 15},
                    ],
                }
            ]
        }
    )

    cohort_id: Id
    day: date
    half_day: HalfDay = Field(description=_SLOT_HELP)
    session_label: SessionLabel = ""
    marks: list[RegisterRow] = Field(min_length=1, max_length=1000)


class RegisterRead(BaseModel):
    created: int = Field(description="Marks that did not exist.")
    updated: int = Field(description="Marks that existed with other values.")
    unchanged: int = Field(description="Marks already as sent (not written again).")
    marks: list[AttendanceMarkRead] = Field(description="The marks, in the order sent.")


class AttendanceCounts(BaseModel):
    marks: int
    present: int
    absent: int
    late: int
    excused: int
    unjustified_absent: int = Field(description="`absent` marks without justification.")
    late_minutes: int = Field(description="Minutes late, summed.")
    absence_rate: float | None = Field(
        description="(absent + excused) / marks, 4 decimals; null without marks."
    )
    unjustified_absence_rate: float | None = Field(
        description="unjustified absent / marks, 4 decimals; null without marks."
    )


class LearnerAttendance(AttendanceCounts):
    learner_id: str


class AttendanceRates(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: date | None = Field(alias="from")
    to: date | None
    learner_id: str | None
    cohort_id: str | None
    totals: AttendanceCounts
    learners: list[LearnerAttendance] | None = Field(
        description="Per learner (ordered by id) when `cohort_id` is given; null otherwise."
    )
