"""Companies (standard routes) and their tutors, nested under the company that employs them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response, status
from pydantic import EmailStr

from app.deps import CurrentPrincipal, ExpectedVersion, Idempotent, PageDep, SessionDep
from app.pagination import PageRequest
from app.routers.export_formats import EXPORT_RESPONSES, export_response
from app.routers.resource_routes import ExternalRefQuery, RefPath, SourcePath, resource_router
from app.routing import set_etag
from app.schemas.common import Page
from app.schemas.company import CompanyCreate, CompanyRead, CompanyUpdate
from app.schemas.tutor import TutorCreate, TutorRead, TutorUpdate
from app.services import tutors
from app.services.companies import companies


def company_filters(
    siret: Annotated[
        str | None, Query(max_length=20, description="Spaces, dots and dashes are ignored.")
    ] = None,
    owner_id: Annotated[str | None, Query(max_length=36)] = None,
    sensitive: Annotated[bool | None, Query()] = None,
    opco: Annotated[str | None, Query(max_length=100)] = None,
    name: Annotated[
        str | None, Query(max_length=200, description="Case-insensitive part of the name.")
    ] = None,
) -> dict[str, Any]:
    if siret is not None:
        siret = "".join(c for c in siret if c not in " .-")
    return {
        "siret": siret,
        "owner_id": owner_id,
        "sensitive": sensitive,
        "opco": opco,
        "name": name,
    }


def tutor_filters(
    user_id: Annotated[str | None, Query(max_length=36)] = None,
    email: Annotated[EmailStr | None, Query()] = None,
) -> dict[str, Any]:
    return {"user_id": user_id, "email": email}


router = resource_router(
    companies,
    path="/api/v1/companies",
    plural="companies",
    create_schema=CompanyCreate,
    update_schema=CompanyUpdate,
    read_schema=CompanyRead,
    filters=company_filters,
)

TUTORS = "/{company_id}/tutors"
TutorFilters = Annotated[dict[str, Any], Depends(tutor_filters)]


@router.get(
    TUTORS,
    operation_id="list_tutors",
    summary="List a company's tutors",
    response_model=Page[TutorRead],
    responses=EXPORT_RESPONSES,
)
async def list_company_tutors(
    request: Request,
    company_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    selected: TutorFilters,
    external_ref: ExternalRefQuery = None,
) -> Any:
    async def fetch(wanted: PageRequest) -> tuple[list[TutorRead], str | None]:
        return await tutors.list_tutors(
            session, principal, company_id, wanted, selected, external_ref
        )

    exported = await export_response(request, TutorRead, fetch, "tutors", sort=page.sort)
    if exported is not None:
        return exported
    items, cursor = await tutors.list_tutors(
        session, principal, company_id, page, selected, external_ref
    )
    return {"items": items, "next_cursor": cursor}


@router.post(
    TUTORS,
    operation_id="create_tutor",
    summary="Add a tutor to a company",
    response_model=TutorRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Idempotent],
)
async def create_company_tutor(
    company_id: str,
    body: TutorCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
) -> Any:
    tutor = await tutors.create_tutor(session, principal, company_id, body)
    set_etag(response, tutor.version)
    response.headers["Location"] = f"/api/v1/companies/{company_id}/tutors/{tutor.id}"
    return tutor


@router.put(
    TUTORS + "/by-ref/{source}/{ref}",
    operation_id="upsert_tutor_by_ref",
    summary="Create or replace a company's tutor by external reference",
    response_model=TutorRead,
    responses={201: {"description": "Created", "model": TutorRead}},
)
async def upsert_company_tutor(
    company_id: str,
    source: SourcePath,
    ref: RefPath,
    body: TutorCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
    response: Response,
) -> Any:
    """Idempotent sync for ERPs: 201 when created, 200 otherwise. A reference already held by
    a tutor of another company is a 409."""
    tutor, created = await tutors.upsert_tutor(
        session, principal, company_id, source, ref, body, expected_version
    )
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    set_etag(response, tutor.version)
    return tutor


@router.get(
    TUTORS + "/{tutor_id}",
    operation_id="get_tutor",
    summary="Read a company's tutor",
    response_model=TutorRead,
)
async def get_company_tutor(
    company_id: str,
    tutor_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
) -> Any:
    tutor = await tutors.read_tutor(session, principal, company_id, tutor_id)
    set_etag(response, tutor.version)
    return tutor


@router.patch(
    TUTORS + "/{tutor_id}",
    operation_id="update_tutor",
    summary="Change a company's tutor",
    response_model=TutorRead,
)
async def update_company_tutor(
    company_id: str,
    tutor_id: str,
    body: TutorUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
    response: Response,
) -> Any:
    tutor = await tutors.update_tutor(
        session, principal, company_id, tutor_id, body, expected_version
    )
    set_etag(response, tutor.version)
    return tutor


@router.delete(
    TUTORS + "/{tutor_id}",
    operation_id="delete_tutor",
    summary="Delete a company's tutor",
    status_code=status.HTTP_204_NO_CONTENT,
)
async def delete_company_tutor(
    company_id: str,
    tutor_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
) -> Response:
    """Refused (409) while the tutor still tutors a contract: change the contract's tutor first."""
    await tutors.delete_tutor(session, principal, company_id, tutor_id, expected_version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
