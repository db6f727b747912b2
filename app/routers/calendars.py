"""Cohort calendars (rhythm, generated days, overrides) and learners' calendars, as JSON and as
iCalendar documents. This router also carries the key-date and calendar-feed routes: register
``router`` alone."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from app.deps import CurrentPrincipal, ExpectedVersion, Idempotent, SessionDep
from app.routers import calendar_feeds as feed_routes
from app.routers import calendar_key_dates as key_date_routes
from app.routers.calendar_feeds import ICS, CalendarResponse
from app.routers.export_formats import EXPORT_RESPONSES, whole_or_file
from app.routing import UnitOfWorkRoute, set_etag
from app.schemas.calendar import (
    CalendarDayRead,
    CalendarDayUpdate,
    CohortCalendar,
    GenerationResult,
    LearnerCalendar,
    LearnerCalendarDay,
    RhythmIn,
    RhythmRead,
)
from app.services import calendar_days, calendar_ics, calendars
from app.services.learner_calendars import learner_calendar

routes = APIRouter(tags=["calendars"], route_class=UnitOfWorkRoute)

COHORT = "/api/v1/cohorts/{cohort_id}"
RANGE = "Missing bounds default to the subject's dates; a `from`..`to` pair spans at most 800 days."
From = Annotated[date | None, Query(alias="from", description="First day. " + RANGE)]
To = Annotated[date | None, Query(description="Last day, included.")]


def _ics(body: bytes, name: str) -> CalendarResponse:
    return CalendarResponse(body, headers={"Content-Disposition": f'inline; filename="{name}.ics"'})


@routes.get(
    f"{COHORT}/rhythm",
    operation_id="get_cohort_rhythm",
    summary="Read a cohort's rhythm",
    response_model=RhythmRead,
)
async def get_rhythm(
    cohort_id: str, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> Any:
    rhythm = await calendars.get_rhythm(session, principal, cohort_id)
    set_etag(response, rhythm.version)
    return RhythmRead.model_validate(rhythm)


@routes.put(
    f"{COHORT}/rhythm",
    operation_id="put_cohort_rhythm",
    summary="Set a cohort's rhythm and regenerate its days",
    response_model=RhythmRead,
    responses={201: {"description": "Created", "model": RhythmRead}},
)
async def put_rhythm(
    cohort_id: str,
    body: RhythmIn,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
    response: Response,
) -> Any:
    """Creates (201) or replaces (200) the rhythm, then regenerates the cohort's days between
    its start and end dates; days set by hand are kept."""
    rhythm, created = await calendars.put_rhythm(
        session, principal, cohort_id, body, expected_version
    )
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    set_etag(response, rhythm.version)
    return RhythmRead.model_validate(rhythm)


@routes.post(
    f"{COHORT}/calendar/regenerate",
    operation_id="regenerate_cohort_calendar",
    summary="Regenerate a cohort's days from its rhythm",
    response_model=GenerationResult,
    dependencies=[Idempotent],
)
async def regenerate(cohort_id: str, session: SessionDep, principal: CurrentPrincipal) -> Any:
    """For instance after the cohort's dates changed. Days set by hand are kept."""
    return await calendars.regenerate(session, principal, cohort_id)


@routes.get(
    f"{COHORT}/calendar",
    operation_id="get_cohort_calendar",
    summary="A cohort's days: at the CFA, in company or off",
    response_model=CohortCalendar,
    responses=EXPORT_RESPONSES,
)
async def get_calendar(
    request: Request,
    cohort_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    from_: From = None,
    to: To = None,
) -> Any:
    answer = await calendar_days.cohort_calendar(session, principal, cohort_id, from_, to)
    return await whole_or_file(request, CalendarDayRead, answer.items, answer, "calendar")


@routes.get(
    f"{COHORT}/calendar.ics",
    operation_id="get_cohort_calendar_ics",
    summary="A cohort's CFA days and key dates as iCalendar",
    response_class=CalendarResponse,
    response_model=None,
    responses=ICS,
)
async def get_calendar_ics(
    cohort_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    from_: From = None,
    to: To = None,
) -> CalendarResponse:
    body = await calendar_ics.cohort_ics(session, principal, cohort_id, from_, to)
    return _ics(body, f"cohort-{cohort_id}")


@routes.patch(
    f"{COHORT}/calendar/{{day}}",
    operation_id="override_cohort_calendar_day",
    summary="Set one day by hand (kept across regenerations)",
    response_model=CalendarDayRead,
)
async def override_day(
    cohort_id: str,
    day: date,
    body: CalendarDayUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
    response: Response,
) -> Any:
    row = await calendar_days.override(session, principal, cohort_id, day, body, expected_version)
    set_etag(response, row.version)
    return await calendar_days.read(session, row)


@routes.delete(
    f"{COHORT}/calendar/{{day}}/override",
    operation_id="clear_cohort_calendar_day_override",
    summary="Give a day set by hand back to the rhythm",
    status_code=status.HTTP_204_NO_CONTENT,
)
async def clear_override(
    cohort_id: str,
    day: date,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
) -> Response:
    await calendar_days.clear_override(session, principal, cohort_id, day, expected_version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@routes.get(
    "/api/v1/learners/{learner_id}/calendar",
    operation_id="get_learner_calendar",
    summary="A learner's own days, cut to their enrolments",
    response_model=LearnerCalendar,
    responses=EXPORT_RESPONSES,
)
async def get_learner_calendar(
    request: Request,
    learner_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    from_: From = None,
    to: To = None,
) -> Any:
    """The days of the learner's cohorts while enrolled; `has_employer` says whether a contract
    binds them to an employer that day."""
    answer = await learner_calendar(session, principal, learner_id, from_, to)
    return await whole_or_file(request, LearnerCalendarDay, answer.items, answer, "calendar")


@routes.get(
    "/api/v1/learners/{learner_id}/calendar.ics",
    operation_id="get_learner_calendar_ics",
    summary="A learner's CFA days and key dates as iCalendar",
    response_class=CalendarResponse,
    response_model=None,
    responses=ICS,
)
async def get_learner_calendar_ics(
    learner_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    from_: From = None,
    to: To = None,
) -> CalendarResponse:
    body = await calendar_ics.learner_ics(session, principal, learner_id, from_, to)
    return _ics(body, f"learner-{learner_id}")


# The one router to register: these routes, the key dates' and the feeds' (each keeps its tag).
router = APIRouter(route_class=UnitOfWorkRoute)
for part in (routes, key_date_routes.router, feed_routes.router):
    router.include_router(part)
