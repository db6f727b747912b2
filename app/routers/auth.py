from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response, status

from app.deps import CurrentPrincipal, SessionDep, SettingsDep
from app.errors import ValidationFailed
from app.routing import UnitOfWorkRoute
from app.schemas.auth import RefreshRequest, TokenPair
from app.schemas.user import Me
from app.services import auth, users

router = APIRouter(prefix="/api/v1", tags=["auth"], route_class=UnitOfWorkRoute)


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post(
    "/auth/token",
    operation_id="create_token",
    summary="Sign in (password or client-credentials grant)",
    response_model=TokenPair,
)
async def create_token(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    grant_type: Annotated[str, Form(pattern="^(password|client_credentials|refresh_token)$")],
    username: Annotated[str | None, Form(max_length=320)] = None,
    password: Annotated[str | None, Form(max_length=200)] = None,
    client_id: Annotated[str | None, Form(max_length=100)] = None,
    client_secret: Annotated[str | None, Form(max_length=200)] = None,
    refresh_token: Annotated[str | None, Form(max_length=200)] = None,
    scope: Annotated[str | None, Form(max_length=200)] = None,
) -> TokenPair:
    """People use `grant_type=password` with their email as `username`; machine clients use
    `grant_type=client_credentials`. The answer holds a short-lived access token and, for
    people, a refresh token that is rotated on each use."""
    if grant_type == "password":
        if not username or not password:
            raise ValidationFailed.on(["body", "username"], "username and password are required.")
        return await auth.password_grant(session, settings, username, password, _address(request))
    if grant_type == "client_credentials":
        if not client_id or not client_secret:
            raise ValidationFailed.on(
                ["body", "client_id"], "client_id and client_secret are required."
            )
        return await auth.client_credentials_grant(
            session, settings, client_id, client_secret, _address(request)
        )
    if not refresh_token:
        raise ValidationFailed.on(["body", "refresh_token"], "refresh_token is required.")
    return await auth.refresh(session, settings, refresh_token)


@router.post(
    "/auth/refresh",
    operation_id="refresh_token",
    summary="Exchange a refresh token for a new pair (rotation)",
    response_model=TokenPair,
)
async def refresh(body: RefreshRequest, session: SessionDep, settings: SettingsDep) -> TokenPair:
    """Each refresh token works once. Presenting an already-used one revokes every token of the
    same sign-in: it means the token was copied."""
    return await auth.refresh(session, settings, body.refresh_token)


@router.post(
    "/auth/logout",
    operation_id="logout",
    summary="End a session (revoke its refresh tokens)",
    status_code=status.HTTP_204_NO_CONTENT,
)
async def logout(
    body: RefreshRequest, session: SessionDep, principal: CurrentPrincipal
) -> Response:
    await auth.logout(session, principal, body.refresh_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", operation_id="get_me", summary="Who am I", response_model=Me, tags=["users"])
async def me(session: SessionDep, principal: CurrentPrincipal) -> Me:
    if principal.kind == "user":
        user = await users.get(session, principal, principal.id)
        return Me.model_validate(user, from_attributes=True)
    client = await auth.api_client_of(session, principal)
    return Me(
        id=client.id,
        created_at=client.created_at,
        updated_at=client.updated_at,
        version=client.version,
        organisation_id=client.organisation_id,
        email="",
        first_name=client.name,
        last_name="",
        roles=sorted(principal.roles),
        active=client.active,
        kind="api_client",
    )
