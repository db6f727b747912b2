"""The ``Annotated`` dependency aliases every router uses."""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Query, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.principal import Principal
from app.errors import Unauthorized, ValidationFailed
from app.pagination import DEFAULT_LIMIT, MAX_LIMIT, SORTABLE, PageRequest
from app.services import auth, idempotency


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request. ``app.routing.UnitOfWorkRoute`` commits it before the answer
    is sent (or rolls it back); closing here only releases the connection."""
    async with request.app.state.sessionmaker() as session:
        request.state.db_session = session
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


async def get_principal(
    session: SessionDep,
    settings: SettingsDep,
    request: Request,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> Principal:
    if not token:
        raise Unauthorized("Send a bearer access token (POST /api/v1/auth/token to get one).")
    principal = await auth.authenticate(session, settings, token)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]

_ETAG = re.compile(r'^(?:W/)?"?(\d{1,9})"?$')


def get_expected_version(
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description='The ETag you last read ("3"); a stale one answers 412.',
            max_length=40,
        ),
    ] = None,
) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    match = _ETAG.match(if_match.strip())
    if match is None:
        raise ValidationFailed.on(
            ["header", "If-Match"], 'Expected an ETag as sent by the API, like "3".'
        )
    return int(match.group(1))


ExpectedVersion = Annotated[int | None, Depends(get_expected_version)]


def get_page(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(max_length=500, description="The next_cursor of the previous page.")
    ] = None,
    sort: Annotated[
        str,
        Query(pattern="^-?(created_at|updated_at)$", description="One of " + ", ".join(SORTABLE)),
    ] = "created_at",
) -> PageRequest:
    return PageRequest(limit=limit, cursor=cursor, sort=sort)


PageDep = Annotated[PageRequest, Depends(get_page)]


async def check_idempotency(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=200,
            description="Retry-safe POST: the same key and body replay the first answer.",
        ),
    ] = None,
) -> None:
    if idempotency_key is None:
        return
    body = await request.body()
    request_hash = hashlib.sha256(request.method.encode() + b" " + body).hexdigest()
    principal_key = f"{principal.kind}:{principal.id}"
    record = await idempotency.find(
        session, principal_key, idempotency_key, request.url.path, request_hash
    )
    if record is not None:
        raise IdempotentReplay(record.status_code, record.headers, record.body)
    request.state.idempotency = (principal_key, idempotency_key, request.url.path, request_hash)


class IdempotentReplay(Exception):
    """Raised to short-cut a retried POST: the route answers the stored response."""

    def __init__(self, status_code: int, headers: dict[str, str], body: str) -> None:
        self.status_code, self.headers, self.body = status_code, headers, body


Idempotent = Depends(check_idempotency)
