"""Attendance: marks one by one, the register of a cohort, justifications, and rates.

No ``from __future__ import annotations``: FastAPI reads these signatures at runtime. The fixed
paths (``/register``, ``/rates``) come before ``/{mark_id}``."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status

from app.deps import CurrentPrincipal, ExpectedVersion, Idempotent, PageDep, SessionDep
from app.errors import ValidationFailed
from app.pagination import PageRequest
from app.routers.export_formats import EXPORT_RESPONSES, export_response
from app.routing import UnitOfWorkRoute, set_etag
from app.schemas.attendance import (
    AttendanceMarkCreate,
    AttendanceMarkRead,
    AttendanceMarkUpdate,
    AttendanceRates,
    AttendanceStatus,
    HalfDay,
    JustificationCreate,
    RegisterCreate,
    RegisterRead,
)
from app.schemas.common import Page
from app.services import attendance_rates, attendance_register
from app.services.attendance import attendance

PATH = "/api/v1/attendance"
IdQuery = Annotated[str | None, Query(min_length=1, max_length=36)]
FromQuery = Annotated[date | None, Query(alias="from", description="Marks on or after this day.")]
ToQuery = Annotated[date | None, Query(description="Marks on or before this day.")]

router = APIRouter(prefix=PATH, tags=["attendance"], route_class=UnitOfWorkRoute)


def attendance_filters(
    learner_id: IdQuery = None,
    cohort_id: IdQuery = None,
    from_: FromQuery = None,
    to: ToQuery = None,
    status: AttendanceStatus | None = None,
    half_day: HalfDay | None = None,
    justified: bool | None = None,
) -> dict[str, Any]:
    if from_ is not None and to is not None and to < from_:
        raise ValidationFailed.on(["query", "to"], "to is before from.")
    return {
        "learner_id": learner_id,
        "cohort_id": cohort_id,
        "from": from_,
        "to": to,
        "status": status,
        "half_day": half_day,
        "justified": justified,
    }


FiltersDep = Annotated[dict[str, Any], Depends(attendance_filters)]


@router.get(
    "",
    operation_id="list_attendance_marks",
    summary="List attendance marks",
    response_model=Page[AttendanceMarkRead],
    responses=EXPORT_RESPONSES,
)
async def list_marks(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    selected: FiltersDep,
) -> Any:
    """Only marks of learners you see: your referred, tutored or own learners, or all."""

    async def fetch(wanted: PageRequest) -> tuple[list[AttendanceMarkRead], str | None]:
        return await attendance.list_(session, principal, wanted, selected)

    exported = await export_response(
        request, AttendanceMarkRead, fetch, "attendance", sort=page.sort
    )
    if exported is not None:
        return exported
    items, cursor = await attendance.list_(session, principal, page, selected)
    return {"items": items, "next_cursor": cursor}


@router.post(
    "",
    operation_id="create_attendance_mark",
    summary="Record one attendance mark",
    response_model=AttendanceMarkRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Idempotent],
)
async def create_mark(
    body: AttendanceMarkCreate, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> Any:
    """On a `company` day of the learner's cohort calendar, the learner's tutor or the CFA's
    office records the mark; on other days the office or the learner's referent. A slot that
    already has a mark answers 409 with `existing_id`."""
    obj = await attendance.create(session, principal, body)
    set_etag(response, obj.version)
    response.headers["Location"] = f"{PATH}/{obj.id}"
    return await attendance.read_one(session, principal, obj)


@router.post(
    "/register",
    operation_id="take_attendance_register",
    summary="Record a cohort's register for one slot",
    response_model=RegisterRead,
    dependencies=[Idempotent],
)
async def take_register(
    body: RegisterCreate, session: SessionDep, principal: CurrentPrincipal
) -> Any:
    """One row per learner, upserted on (learner, day, slot): sending the same register again
    changes nothing. All or nothing: one bad row (a 422 naming `marks[i]`) records none."""
    return await attendance_register.register(session, principal, body)


@router.get(
    "/rates",
    operation_id="get_attendance_rates",
    summary="Attendance counts and rates",
    response_model=AttendanceRates,
)
async def get_rates(
    session: SessionDep,
    principal: CurrentPrincipal,
    learner_id: IdQuery = None,
    cohort_id: Annotated[
        str | None,
        Query(min_length=1, max_length=36, description="Adds one line per learner."),
    ] = None,
    from_: FromQuery = None,
    to: ToQuery = None,
) -> Any:
    """Over the marks you see in the window: a learner's, a cohort's (with a line per learner)
    or all. Rates are null when there are no marks."""
    return await attendance_rates.rates(session, principal, learner_id, cohort_id, from_, to)


@router.get(
    "/{mark_id}",
    operation_id="get_attendance_mark",
    summary="Read an attendance mark",
    response_model=AttendanceMarkRead,
)
async def get_mark(
    mark_id: str, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> Any:
    obj = await attendance.get(session, principal, mark_id)
    set_etag(response, obj.version)
    return await attendance.read_one(session, principal, obj)


@router.patch(
    "/{mark_id}",
    operation_id="update_attendance_mark",
    summary="Change an attendance mark",
    response_model=AttendanceMarkRead,
)
async def update_mark(
    mark_id: str,
    body: AttendanceMarkUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
    response: Response,
) -> Any:
    obj = await attendance.update(session, principal, mark_id, body, expected_version)
    set_etag(response, obj.version)
    return await attendance.read_one(session, principal, obj)


@router.delete(
    "/{mark_id}",
    operation_id="delete_attendance_mark",
    summary="Delete an attendance mark",
    status_code=status.HTTP_204_NO_CONTENT,
)
async def delete_mark(
    mark_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
) -> Response:
    await attendance.delete(session, principal, mark_id, expected_version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{mark_id}/justification",
    operation_id="justify_attendance_mark",
    summary="Justify an absence or lateness",
    response_model=AttendanceMarkRead,
    dependencies=[Idempotent],
)
async def justify_mark(
    mark_id: str,
    body: JustificationCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
    response: Response,
) -> Any:
    """Sets `justified` (an `absent` mark justified no longer counts towards the absence
    alert). Sending it again corrects the reason or document and keeps `justified_at`. A
    `present` mark answers 409."""
    obj = await attendance.justify(session, principal, mark_id, body, expected_version)
    set_etag(response, obj.version)
    return await attendance.read_one(session, principal, obj)


@router.delete(
    "/{mark_id}/justification",
    operation_id="withdraw_attendance_justification",
    summary="Withdraw a justification",
    response_model=AttendanceMarkRead,
)
async def withdraw_justification(
    mark_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
    response: Response,
) -> Any:
    """The mark is unjustified again (its stated reason is kept)."""
    obj = await attendance.justify(session, principal, mark_id, None, expected_version)
    set_etag(response, obj.version)
    return await attendance.read_one(session, principal, obj)
