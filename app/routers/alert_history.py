"""An alert's comments and history, mounted under ``/api/v1/alerts`` by the alerts router
(register that one alone).

No ``from __future__ import annotations``: FastAPI reads these signatures at runtime."""

from typing import Any

from fastapi import APIRouter, Request, status

from app.deps import CurrentPrincipal, Idempotent, PageDep, SessionDep
from app.pagination import PageRequest
from app.routers.export_formats import EXPORT_RESPONSES, page_or_file
from app.routing import UnitOfWorkRoute
from app.schemas.alert import AlertCommentCreate, AlertEventRead
from app.schemas.common import Page
from app.services.alerts import history

router = APIRouter(route_class=UnitOfWorkRoute)


@router.post(
    "/{alert_id}/comments",
    operation_id="create_alert_comment",
    summary="Comment on an alert",
    response_model=AlertEventRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Idempotent],
)
async def create_alert_comment(
    alert_id: str, body: AlertCommentCreate, session: SessionDep, principal: CurrentPrincipal
) -> Any:
    """Anyone who sees the alert, except auditors (read-only)."""
    return await history.comment(session, principal, alert_id, body.note)


@router.get(
    "/{alert_id}/comments",
    operation_id="list_alert_comments",
    summary="An alert's comments, oldest first",
    response_model=Page[AlertEventRead],
    responses=EXPORT_RESPONSES,
)
async def list_alert_comments(
    alert_id: str,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
) -> Any:
    async def fetch(wanted: PageRequest) -> tuple[list[AlertEventRead], str | None]:
        rows, cursor = await history.history(session, principal, alert_id, wanted, kind="comment")
        return [AlertEventRead.model_validate(e) for e in rows], cursor

    return await page_or_file(request, AlertEventRead, fetch, "alert_comments", page)


@router.get(
    "/{alert_id}/history",
    operation_id="list_alert_history",
    summary="An alert's history: opened, updated, moves, reassignments, comments",
    response_model=Page[AlertEventRead],
    responses=EXPORT_RESPONSES,
)
async def list_alert_history(
    alert_id: str,
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
) -> Any:
    async def fetch(wanted: PageRequest) -> tuple[list[AlertEventRead], str | None]:
        rows, cursor = await history.history(session, principal, alert_id, wanted)
        return [AlertEventRead.model_validate(e) for e in rows], cursor

    return await page_or_file(request, AlertEventRead, fetch, "alert_history", page)
