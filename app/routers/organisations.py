from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from app.deps import CurrentPrincipal, ExpectedVersion, SessionDep
from app.routers.export_formats import EXPORT_RESPONSES, whole_or_file
from app.routing import UnitOfWorkRoute, set_etag
from app.schemas.common import Page
from app.schemas.user import OrganisationRead, OrganisationUpdate
from app.services import organisations

router = APIRouter(
    prefix="/api/v1/organisations", tags=["organisations"], route_class=UnitOfWorkRoute
)


@router.get(
    "",
    operation_id="list_organisations",
    summary="List the organisations you belong to",
    response_model=Page[OrganisationRead],
    responses=EXPORT_RESPONSES,
)
async def list_organisations(
    request: Request, session: SessionDep, principal: CurrentPrincipal
) -> Any:
    """New organisations are created with `relais admin create` (one tenant per CFA)."""
    organisation = await organisations.get(session, principal, principal.organisation_id)
    items = [OrganisationRead.model_validate(organisation)]
    answer = Page[OrganisationRead](items=items, next_cursor=None)
    return await whole_or_file(request, OrganisationRead, items, answer, "organisations")


@router.get(
    "/{organisation_id}",
    operation_id="get_organisation",
    summary="Read an organisation",
    response_model=OrganisationRead,
)
async def get_organisation(
    organisation_id: str, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> OrganisationRead:
    organisation = await organisations.get(session, principal, organisation_id)
    set_etag(response, organisation.version)
    return OrganisationRead.model_validate(organisation)


@router.patch(
    "/{organisation_id}",
    operation_id="update_organisation",
    summary="Change the organisation's settings",
    response_model=OrganisationRead,
)
async def update_organisation(
    organisation_id: str,
    body: OrganisationUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
    response: Response,
) -> OrganisationRead:
    organisation = await organisations.update(
        session, principal, organisation_id, body, expected_version
    )
    set_etag(response, organisation.version)
    return OrganisationRead.model_validate(organisation)
