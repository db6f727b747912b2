"""Learners (standard resource routes), their enrolments (nested) and their timeline."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Query, Request, Response, status

from app.deps import CurrentPrincipal, ExpectedVersion, Idempotent, PageDep, SessionDep
from app.pagination import PageRequest
from app.routers.export_formats import EXPORT_RESPONSES, export_response, whole_or_file
from app.routers.resource_routes import resource_router
from app.routing import set_etag
from app.schemas.common import Page
from app.schemas.enrolment import EnrolmentCreate, EnrolmentRead, EnrolmentUpdate
from app.schemas.learner import (
    LearnerCreate,
    LearnerRead,
    LearnerStatusName,
    LearnerUpdate,
    Timeline,
    TimelineItem,
)
from app.services import enrolments, timeline
from app.services.learners import learners

PATH = "/api/v1/learners"
IdQuery = Annotated[str | None, Query(max_length=36)]


def learner_filters(
    status: Annotated[
        LearnerStatusName | None, Query(description="Derived status, for today.")
    ] = None,
    referent_id: IdQuery = None,
    prescriber_id: IdQuery = None,
    user_id: IdQuery = None,
    cohort_id: Annotated[
        str | None, Query(max_length=36, description="Learners with an enrolment in this cohort.")
    ] = None,
    last_name: Annotated[
        str | None, Query(max_length=200, description="Exact, case-insensitive.")
    ] = None,
    updated_since: Annotated[
        datetime | None, Query(description="Changed at or after this instant (UTC if no offset).")
    ] = None,
) -> dict[str, Any]:
    return {
        "status": status,
        "referent_id": referent_id,
        "prescriber_id": prescriber_id,
        "user_id": user_id,
        "cohort_id": cohort_id,
        "last_name": last_name,
        "updated_since": updated_since,
    }


router = resource_router(
    learners,
    path=PATH,
    plural="learners",
    create_schema=LearnerCreate,
    update_schema=LearnerUpdate,
    read_schema=LearnerRead,
    filters=learner_filters,
)


@router.get(
    "/{learner_id}/enrolments",
    operation_id="list_learner_enrolments",
    summary="List a learner's enrolments",
    response_model=Page[EnrolmentRead],
    responses=EXPORT_RESPONSES,
)
async def list_enrolments(
    request: Request,
    learner_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
) -> Any:
    async def fetch(wanted: PageRequest) -> tuple[list[EnrolmentRead], str | None]:
        rows, cursor = await enrolments.list_(session, principal, learner_id, wanted)
        return [EnrolmentRead.model_validate(r) for r in rows], cursor

    exported = await export_response(request, EnrolmentRead, fetch, "enrolments", sort=page.sort)
    if exported is not None:
        return exported
    rows, cursor = await enrolments.list_(session, principal, learner_id, page)
    return {"items": rows, "next_cursor": cursor}


@router.post(
    "/{learner_id}/enrolments",
    operation_id="create_learner_enrolment",
    summary="Enrol a learner in a cohort",
    response_model=EnrolmentRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Idempotent],
)
async def create_enrolment(
    learner_id: str,
    body: EnrolmentCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
) -> Any:
    enrolment = await enrolments.create(session, principal, learner_id, body)
    set_etag(response, enrolment.version)
    response.headers["Location"] = f"{PATH}/{learner_id}/enrolments/{enrolment.id}"
    return enrolment


@router.get(
    "/{learner_id}/enrolments/{enrolment_id}",
    operation_id="get_learner_enrolment",
    summary="Read one of a learner's enrolments",
    response_model=EnrolmentRead,
)
async def get_enrolment(
    learner_id: str,
    enrolment_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
) -> Any:
    enrolment = await enrolments.get(session, principal, learner_id, enrolment_id)
    set_etag(response, enrolment.version)
    return enrolment


@router.patch(
    "/{learner_id}/enrolments/{enrolment_id}",
    operation_id="update_learner_enrolment",
    summary="Change an enrolment (record its end: date and reason)",
    response_model=EnrolmentRead,
)
async def update_enrolment(
    learner_id: str,
    enrolment_id: str,
    body: EnrolmentUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
    response: Response,
) -> Any:
    enrolment = await enrolments.update(
        session, principal, learner_id, enrolment_id, body, expected_version
    )
    set_etag(response, enrolment.version)
    return enrolment


@router.delete(
    "/{learner_id}/enrolments/{enrolment_id}",
    operation_id="delete_learner_enrolment",
    summary="Delete an enrolment recorded by mistake",
    status_code=status.HTTP_204_NO_CONTENT,
)
async def delete_enrolment(
    learner_id: str,
    enrolment_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
) -> Response:
    await enrolments.delete(session, principal, learner_id, enrolment_id, expected_version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{learner_id}/timeline",
    operation_id="get_learner_timeline",
    summary="A learner's timeline: enrolments, contract events and follow-up entries",
    response_model=Timeline,
    responses=EXPORT_RESPONSES,
)
async def get_timeline(
    request: Request,
    learner_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    from_: Annotated[date | None, Query(alias="from", description="From this day on.")] = None,
    to: Annotated[date | None, Query(description="Up to this day, included.")] = None,
) -> Any:
    answer = await timeline.for_learner(session, principal, learner_id, from_, to)
    return await whole_or_file(request, TimelineItem, answer.items, answer, "timeline")
