"""The standard routes of a domain resource, built once: list, create, read, change, delete,
and upsert by external reference. Each resource module adds only what is its own.

No ``from __future__ import annotations`` here: the endpoint signatures use the schema classes
passed in, which FastAPI must see as real objects."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from pydantic import BaseModel

from app.deps import CurrentPrincipal, ExpectedVersion, Idempotent, PageDep, SessionDep
from app.routers.export_formats import EXPORT_RESPONSES, file_response, requested_format
from app.routing import UnitOfWorkRoute, set_etag
from app.schemas.common import Page
from app.services.resource import Resource

ExternalRefQuery = Annotated[
    str | None,
    Query(
        max_length=260,
        description="Find by another system's id, as `source:ref` (e.g. `ypareo:A123`).",
        examples=["ypareo:A123"],
    ),
]
SourcePath = Annotated[str, Path(max_length=50, pattern=r"^[a-z0-9_.-]+$")]
RefPath = Annotated[str, Path(max_length=200)]


def no_filters() -> dict[str, Any]:
    return {}


def resource_router(
    service: Resource[Any, Any],
    *,
    path: str,
    plural: str,
    create_schema: type[BaseModel],
    update_schema: type[BaseModel],
    read_schema: type[BaseModel],
    filters: Callable[..., dict[str, Any]] = no_filters,
    tag: str | None = None,
) -> APIRouter:
    name = service.name
    label = name.replace("_", " ")
    router = APIRouter(
        prefix=path, tags=[tag or plural.replace("_", "-")], route_class=UnitOfWorkRoute
    )
    FiltersDep = Annotated[dict[str, Any], Depends(filters)]

    @router.get(
        "",
        operation_id=f"list_{plural}",
        summary=f"List {label}s",
        response_model=Page[read_schema],  # type: ignore[valid-type]
        responses=EXPORT_RESPONSES,
    )
    async def list_objects(
        request: Request,
        session: SessionDep,
        principal: CurrentPrincipal,
        page: PageDep,
        selected: FiltersDep,
        external_ref: ExternalRefQuery = None,
    ) -> Any:
        fmt = requested_format(request)
        if fmt is not None:  # the whole list as a file: limit and cursor do not apply
            header, rows = await service.export(
                session, principal, selected, external_ref, sort=page.sort
            )
            return file_response(fmt, header, rows, plural)
        items, cursor = await service.list_(session, principal, page, selected, external_ref)
        return {"items": items, "next_cursor": cursor}

    @router.post(
        "",
        operation_id=f"create_{name}",
        summary=f"Create a {label}",
        response_model=read_schema,
        status_code=status.HTTP_201_CREATED,
        dependencies=[Idempotent],
    )
    async def create_object(
        body: create_schema,  # type: ignore[valid-type]
        session: SessionDep,
        principal: CurrentPrincipal,
        response: Response,
    ) -> Any:
        obj = await service.create(session, principal, body)
        set_etag(response, obj.version)
        response.headers["Location"] = f"{path}/{obj.id}"
        return await service.read_one(session, principal, obj)

    @router.put(
        "/by-ref/{source}/{ref}",
        operation_id=f"upsert_{name}_by_ref",
        summary=f"Create or replace a {label} by external reference",
        response_model=read_schema,
        responses={201: {"description": "Created", "model": read_schema}},
    )
    async def upsert_object(
        source: SourcePath,
        ref: RefPath,
        body: create_schema,  # type: ignore[valid-type]
        session: SessionDep,
        principal: CurrentPrincipal,
        expected_version: ExpectedVersion,
        response: Response,
    ) -> Any:
        """Idempotent sync for ERPs: the first call creates the object with this reference,
        later calls replace its fields. Answers 201 when created, 200 otherwise."""
        obj, created = await service.upsert_by_ref(
            session, principal, source, ref, body, expected_version
        )
        response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        set_etag(response, obj.version)
        return await service.read_one(session, principal, obj)

    @router.get(
        "/{object_id}",
        operation_id=f"get_{name}",
        summary=f"Read a {label}",
        response_model=read_schema,
    )
    async def get_object(
        object_id: str, session: SessionDep, principal: CurrentPrincipal, response: Response
    ) -> Any:
        obj = await service.get(session, principal, object_id)
        set_etag(response, obj.version)
        return await service.read_one(session, principal, obj)

    @router.patch(
        "/{object_id}",
        operation_id=f"update_{name}",
        summary=f"Change a {label}",
        response_model=read_schema,
    )
    async def update_object(
        object_id: str,
        body: update_schema,  # type: ignore[valid-type]
        session: SessionDep,
        principal: CurrentPrincipal,
        expected_version: ExpectedVersion,
        response: Response,
    ) -> Any:
        obj = await service.update(session, principal, object_id, body, expected_version)
        set_etag(response, obj.version)
        return await service.read_one(session, principal, obj)

    @router.delete(
        "/{object_id}",
        operation_id=f"delete_{name}",
        summary=f"Delete a {label}",
        status_code=status.HTTP_204_NO_CONTENT,
    )
    async def delete_object(
        object_id: str,
        session: SessionDep,
        principal: CurrentPrincipal,
        expected_version: ExpectedVersion,
    ) -> Response:
        await service.delete(session, principal, object_id, expected_version)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return router
