"""Cohort calendars: the rhythm, key dates, the generated days, and secret calendar feeds."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import Name, ReadSchema, Schema, ShortText

RhythmKind = Literal["weekly", "cycle"]
WeekKind = Literal["cfa", "company"]
DayKind = Literal["cfa", "company", "off"]
HolidayZone = Literal["metropole", "alsace_moselle"]
KeyDateKind = Literal["exam", "review_window", "visit_window", "holiday", "other"]
FeedSubject = Literal["learner", "cohort", "tutor"]
Weekday = Annotated[int, Field(ge=0, le=6)]

_RHYTHM: dict[str, Any] = {
    "kind": "weekly",
    "cfa_weekdays": [0, 1],
    "cycle": [],
    "cycle_anchor": None,
    "closures": [{"from": "2026-12-21", "to": "2027-01-01", "label": "Vacances de Noël"}],
    "holiday_zone": "metropole",
}
_CYCLE: dict[str, Any] = {
    "kind": "cycle",
    "cycle": ["cfa", "company", "company", "company"],
    "cycle_anchor": "2026-08-31",
    "holiday_zone": "alsace_moselle",
}
_KEY_DATE: dict[str, Any] = {
    "kind": "exam",
    "start_date": "2027-05-18",
    "end_date": "2027-05-21",
    "label": "Épreuves écrites du BTS",
}
WEEKDAYS = (
    "Weekly rhythm: the CFA weekdays (0 = Monday), at least one. Cycle rhythm: the CFA days of "
    "a CFA week (Monday-Friday when empty)."
)
CYCLE = "Cycle rhythm: the kinds of successive weeks, repeated from `cycle_anchor`."
ANCHOR = "Cycle rhythm: the Monday the first week of `cycle` starts on."
ZONE = "`alsace_moselle` adds Good Friday and 26 December to the public holidays."


class Closure(Schema):
    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from", description="First closed day.")
    to: date = Field(description="Last closed day, not before `from`.")
    label: ShortText = ""


class RhythmIn(Schema):
    """Public holidays, closures and weekends are never CFA days."""

    model_config = ConfigDict(json_schema_extra={"examples": [_RHYTHM, _CYCLE]})

    kind: RhythmKind
    cfa_weekdays: list[Weekday] = Field(default_factory=list, max_length=7, description=WEEKDAYS)
    cycle: list[WeekKind] = Field(default_factory=list, max_length=52, description=CYCLE)
    cycle_anchor: date | None = Field(default=None, description=ANCHOR)
    closures: list[Closure] = Field(default_factory=list, max_length=100)
    holiday_zone: HolidayZone = Field(default="metropole", description=ZONE)


class RhythmRead(ReadSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"id": "…", **_RHYTHM}]})

    cohort_id: str
    kind: RhythmKind
    cfa_weekdays: list[int]
    cycle: list[WeekKind]
    cycle_anchor: date | None
    closures: list[Closure]
    holiday_zone: HolidayZone


class KeyDateCreate(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [_KEY_DATE]})

    kind: KeyDateKind
    start_date: date
    end_date: date | None = Field(
        default=None, description="Last day, not before `start_date` (default: `start_date`)."
    )
    label: Name


class KeyDateUpdate(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"label": "Épreuves du BTS"}]})

    kind: KeyDateKind | None = None
    start_date: date | None = None
    end_date: date | None = None
    label: Name | None = None


class KeyDateRead(ReadSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"id": "…", **_KEY_DATE}]})

    cohort_id: str
    kind: KeyDateKind
    start_date: date
    end_date: date
    label: str


class KeyDateBrief(BaseModel):
    id: str
    kind: KeyDateKind
    label: str
    start_date: date
    end_date: date


class CalendarDayRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "day": "2026-11-11",
                    "kind": "off",
                    "overridden": False,
                    "note": "Jour férié : Armistice",
                    "key_dates": [],
                }
            ]
        }
    )

    day: date
    kind: DayKind
    overridden: bool = Field(description="Set by hand: kept when the calendar is regenerated.")
    note: str | None = None
    key_dates: list[KeyDateBrief] = Field(default_factory=list)


class CohortCalendar(BaseModel):
    items: list[CalendarDayRead]


class CalendarDayUpdate(Schema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"kind": "company", "note": "Journée en entreprise"}]}
    )

    kind: DayKind | None = Field(default=None, description="Required when the day has no row.")
    note: ShortText | None = None


class LearnerCalendarDay(CalendarDayRead):
    cohort_id: str
    has_employer: bool = Field(
        description="A contract of the learner is in force that day. A `company` day without "
        "one is a day the learner should be looking for an employer."
    )


class LearnerCalendar(BaseModel):
    items: list[LearnerCalendarDay]


class GenerationResult(BaseModel):
    cohort_id: str
    days: int
    cfa: int
    company: int
    off: int
    overridden: int = Field(description="Days set by hand, kept as they were.")
    changed: int = Field(description="Days written or rewritten by this generation.")
    removed: int = Field(description="Days dropped because they are outside the cohort's dates.")


class CalendarFeedCreate(Schema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"subject_type": "learner", "subject_id": "…"}]}
    )

    subject_type: FeedSubject
    subject_id: str | None = Field(
        default=None,
        max_length=36,
        description="The learner or cohort. A learner may omit it for their own calendar; a "
        "tutor feed has none (it covers the caller's apprentices).",
    )


class CalendarFeedRead(ReadSchema):
    subject_type: FeedSubject
    subject_id: str | None
    revoked_at: datetime | None


class CalendarFeedCreated(CalendarFeedRead):
    """The only answer that shows the token: keep the URL, it cannot be read again."""

    token: str
    url: str = Field(
        description="Path of the feed, to append to the API's address: no bearer token needed."
    )
