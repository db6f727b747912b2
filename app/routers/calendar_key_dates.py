"""A cohort's key dates: exams, review and visit windows, holidays, other dates that matter."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from app.deps import CurrentPrincipal, ExpectedVersion, Idempotent, PageDep, SessionDep
from app.pagination import PageRequest
from app.routers.export_formats import EXPORT_RESPONSES, page_or_file
from app.routing import UnitOfWorkRoute, set_etag
from app.schemas.calendar import KeyDateCreate, KeyDateKind, KeyDateRead, KeyDateUpdate
from app.schemas.common import Page
from app.services import calendar_key_dates

router = APIRouter(tags=["calendars"], route_class=UnitOfWorkRoute)

KEY_DATES = "/api/v1/cohorts/{cohort_id}/key-dates"
From = Annotated[date | None, Query(alias="from", description="Key dates ending on or after.")]
To = Annotated[date | None, Query(description="Key dates starting on or before.")]


@router.get(
    KEY_DATES,
    operation_id="list_cohort_key_dates",
    summary="List a cohort's key dates",
    response_model=Page[KeyDateRead],
    responses=EXPORT_RESPONSES,
)
async def list_key_dates(
    request: Request,
    cohort_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    kind: KeyDateKind | None = None,
    from_: From = None,
    to: To = None,
) -> Any:
    filters = {"kind": kind, "from": from_, "to": to}

    async def fetch(wanted: PageRequest) -> tuple[list[KeyDateRead], str | None]:
        rows, cursor = await calendar_key_dates.list_(
            session, principal, cohort_id, wanted, filters
        )
        return [KeyDateRead.model_validate(r) for r in rows], cursor

    return await page_or_file(request, KeyDateRead, fetch, "key_dates", page)


@router.post(
    KEY_DATES,
    operation_id="create_cohort_key_date",
    summary="Add a key date",
    response_model=KeyDateRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Idempotent],
)
async def create_key_date(
    cohort_id: str,
    body: KeyDateCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
) -> Any:
    row = await calendar_key_dates.create(session, principal, cohort_id, body)
    set_etag(response, row.version)
    response.headers["Location"] = f"{KEY_DATES.format(cohort_id=cohort_id)}/{row.id}"
    return KeyDateRead.model_validate(row)


@router.get(
    f"{KEY_DATES}/{{key_date_id}}",
    operation_id="get_cohort_key_date",
    summary="Read a key date",
    response_model=KeyDateRead,
)
async def get_key_date(
    cohort_id: str,
    key_date_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
) -> Any:
    row = await calendar_key_dates.get(session, principal, cohort_id, key_date_id)
    set_etag(response, row.version)
    return KeyDateRead.model_validate(row)


@router.patch(
    f"{KEY_DATES}/{{key_date_id}}",
    operation_id="update_cohort_key_date",
    summary="Change a key date",
    response_model=KeyDateRead,
)
async def update_key_date(
    cohort_id: str,
    key_date_id: str,
    body: KeyDateUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
    response: Response,
) -> Any:
    row = await calendar_key_dates.update(
        session, principal, cohort_id, key_date_id, body, expected_version
    )
    set_etag(response, row.version)
    return KeyDateRead.model_validate(row)


@router.delete(
    f"{KEY_DATES}/{{key_date_id}}",
    operation_id="delete_cohort_key_date",
    summary="Delete a key date",
    status_code=status.HTTP_204_NO_CONTENT,
)
async def delete_key_date(
    cohort_id: str,
    key_date_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
) -> Response:
    await calendar_key_dates.delete(session, principal, cohort_id, key_date_id, expected_version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
