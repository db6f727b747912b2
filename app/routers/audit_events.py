from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from app.deps import CurrentPrincipal, SessionDep
from app.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageRequest
from app.routers.export_formats import EXPORT_RESPONSES, export_response
from app.routing import UnitOfWorkRoute
from app.schemas.audit_event import AuditEventRead
from app.schemas.common import Page
from app.services import audit_events

router = APIRouter(
    prefix="/api/v1/audit-events", tags=["audit-events"], route_class=UnitOfWorkRoute
)


@router.get(
    "",
    operation_id="list_audit_events",
    summary="Read the audit log (admins and auditors)",
    response_model=Page[AuditEventRead],
    responses=EXPORT_RESPONSES,
)
async def list_audit_events(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    sort: Annotated[str, Query(pattern="^-?occurred_at$")] = "-occurred_at",
    object_type: Annotated[str | None, Query(max_length=50)] = None,
    object_id: Annotated[str | None, Query(max_length=36)] = None,
    actor_id: Annotated[str | None, Query(max_length=36)] = None,
    action: Annotated[str | None, Query(max_length=50)] = None,
    since: datetime | None = None,
) -> Any:
    """Newest first by default. Append-only: there is no way to change or delete an event."""

    async def fetch(page: PageRequest) -> tuple[list[AuditEventRead], str | None]:
        rows, next_cursor = await audit_events.list_(
            session,
            principal,
            page,
            object_type=object_type,
            object_id=object_id,
            actor_id=actor_id,
            action=action,
            since=since,
        )
        return [AuditEventRead.model_validate(e) for e in rows], next_cursor

    exported = await export_response(request, AuditEventRead, fetch, "audit_events", sort=sort)
    if exported is not None:
        return exported
    items, next_cursor = await fetch(PageRequest(limit=limit, cursor=cursor, sort=sort))
    return Page(items=items, next_cursor=next_cursor)
