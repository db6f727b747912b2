from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status

from app.deps import CurrentPrincipal, ExpectedVersion, PageDep, SessionDep
from app.pagination import PageRequest
from app.routers.export_formats import EXPORT_RESPONSES, page_or_file
from app.routing import UnitOfWorkRoute, set_etag
from app.schemas.api_client import ApiClientCreate, ApiClientCreated, ApiClientRead, ApiClientUpdate
from app.schemas.common import Page
from app.services import api_clients

router = APIRouter(prefix="/api/v1/api-clients", tags=["api-clients"], route_class=UnitOfWorkRoute)


@router.get(
    "",
    operation_id="list_api_clients",
    summary="List machine clients",
    response_model=Page[ApiClientRead],
    responses=EXPORT_RESPONSES,
)
async def list_api_clients(
    request: Request, session: SessionDep, principal: CurrentPrincipal, page: PageDep
) -> Any:
    """Never their secrets: those are shown once, at creation, and stored hashed."""

    async def fetch(wanted: PageRequest) -> tuple[list[ApiClientRead], str | None]:
        rows, cursor = await api_clients.list_(session, principal, wanted)
        return [ApiClientRead.model_validate(c) for c in rows], cursor

    return await page_or_file(request, ApiClientRead, fetch, "api_clients", page)


@router.post(
    "",
    operation_id="create_api_client",
    summary="Create a machine client (its secret is shown once)",
    response_model=ApiClientCreated,
    status_code=status.HTTP_201_CREATED,
)
async def create_api_client(
    body: ApiClientCreate, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> ApiClientCreated:
    """The answer holds the client secret, shown once. It is never stored in clear, so this
    operation does not replay answers for an `Idempotency-Key`."""
    client, secret = await api_clients.create(session, principal, body)
    set_etag(response, client.version)
    response.headers["Location"] = f"/api/v1/api-clients/{client.id}"
    return ApiClientCreated(
        **ApiClientRead.model_validate(client).model_dump(), client_secret=secret
    )


@router.get(
    "/{client_id}",
    operation_id="get_api_client",
    summary="Read a machine client",
    response_model=ApiClientRead,
)
async def get_api_client(
    client_id: str, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> ApiClientRead:
    client = await api_clients.get(session, principal, client_id)
    set_etag(response, client.version)
    return ApiClientRead.model_validate(client)


@router.patch(
    "/{client_id}",
    operation_id="update_api_client",
    summary="Change a machine client",
    response_model=ApiClientRead,
)
async def update_api_client(
    client_id: str,
    body: ApiClientUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
    response: Response,
) -> ApiClientRead:
    client = await api_clients.update(session, principal, client_id, body, expected_version)
    set_etag(response, client.version)
    return ApiClientRead.model_validate(client)


@router.delete(
    "/{client_id}",
    operation_id="delete_api_client",
    summary="Delete a machine client",
    status_code=status.HTTP_204_NO_CONTENT,
)
async def delete_api_client(
    client_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
) -> Response:
    await api_clients.delete(session, principal, client_id, expected_version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
