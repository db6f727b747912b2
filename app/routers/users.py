from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from app.deps import CurrentPrincipal, ExpectedVersion, Idempotent, PageDep, SessionDep
from app.models import Role
from app.pagination import PageRequest
from app.routers.export_formats import EXPORT_RESPONSES, export_response
from app.routing import UnitOfWorkRoute, set_etag
from app.schemas.common import Page
from app.schemas.user import UserCreate, UserRead, UserUpdate
from app.services import users

router = APIRouter(prefix="/api/v1/users", tags=["users"], route_class=UnitOfWorkRoute)


@router.get(
    "",
    operation_id="list_users",
    summary="List users",
    response_model=Page[UserRead],
    responses=EXPORT_RESPONSES,
)
async def list_users(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    role: Role | None = None,
    active: bool | None = None,
    email: Annotated[str | None, Query(max_length=320)] = None,
) -> Any:
    async def fetch(wanted: PageRequest) -> tuple[list[UserRead], str | None]:
        rows, cursor = await users.list_(
            session,
            principal,
            wanted,
            role=role.value if role else None,
            active=active,
            email=email,
        )
        return [UserRead.model_validate(u) for u in rows], cursor

    exported = await export_response(request, UserRead, fetch, "users", sort=page.sort)
    if exported is not None:
        return exported
    items, cursor = await fetch(page)
    return Page(items=items, next_cursor=cursor)


@router.post(
    "",
    operation_id="create_user",
    summary="Create a user",
    response_model=UserRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Idempotent],
)
async def create_user(
    body: UserCreate, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> UserRead:
    user = await users.create(session, principal, body)
    set_etag(response, user.version)
    response.headers["Location"] = f"/api/v1/users/{user.id}"
    return UserRead.model_validate(user)


@router.get("/{user_id}", operation_id="get_user", summary="Read a user", response_model=UserRead)
async def get_user(
    user_id: str, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> UserRead:
    user = await users.get(session, principal, user_id)
    set_etag(response, user.version)
    return UserRead.model_validate(user)


@router.patch(
    "/{user_id}", operation_id="update_user", summary="Change a user", response_model=UserRead
)
async def update_user(
    user_id: str,
    body: UserUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
    response: Response,
) -> UserRead:
    user = await users.update(session, principal, user_id, body, expected_version)
    set_etag(response, user.version)
    return UserRead.model_validate(user)
