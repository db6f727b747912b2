"""Machine clients of an organisation, managed by its admins."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.core.security import digest, new_opaque_token
from app.errors import Forbidden, not_found
from app.models import ApiClient
from app.pagination import PageRequest, paginate
from app.schemas.api_client import ApiClientCreate, ApiClientUpdate
from app.services import records


def _require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden("Only an admin manages API clients.")


async def get(session: AsyncSession, principal: Principal, client_id: str) -> ApiClient:
    _require_admin(principal)
    client = await session.scalar(
        select(ApiClient).where(
            ApiClient.organisation_id == principal.organisation_id, ApiClient.id == client_id
        )
    )
    if client is None:
        raise not_found("API client", client_id)
    return client


async def list_(
    session: AsyncSession, principal: Principal, page: PageRequest
) -> tuple[list[ApiClient], str | None]:
    _require_admin(principal)
    stmt = select(ApiClient).where(ApiClient.organisation_id == principal.organisation_id)
    return await paginate(session, stmt, ApiClient, page)


async def create(
    session: AsyncSession, principal: Principal, data: ApiClientCreate
) -> tuple[ApiClient, str]:
    _require_admin(principal)
    secret = new_opaque_token()
    client = ApiClient(
        name=data.name,
        client_id="rc_" + secrets.token_hex(12),
        secret_hash=digest(secret),
        scopes=sorted({s.value for s in data.scopes}),
        active=True,
    )
    await records.create(session, principal, client, "api_client")
    return client, secret


async def update(
    session: AsyncSession,
    principal: Principal,
    client_id: str,
    data: ApiClientUpdate,
    expected_version: int | None,
) -> ApiClient:
    client = await get(session, principal, client_id)
    values = data.model_dump(exclude_unset=True, exclude_none=True)
    if "scopes" in values:
        values["scopes"] = sorted({s.value for s in data.scopes or []})
    return await records.update(
        session, principal, client, values, "api_client", expected_version=expected_version
    )


async def delete(
    session: AsyncSession, principal: Principal, client_id: str, expected_version: int | None
) -> None:
    client = await get(session, principal, client_id)
    await records.delete(
        session, principal, client, "api_client", expected_version=expected_version
    )
