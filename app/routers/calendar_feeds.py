"""Secret calendar feed URLs (calendar apps cannot send a bearer token)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response, status

from app.deps import CurrentPrincipal, ExpectedVersion, PageDep, SessionDep
from app.pagination import PageRequest
from app.routers.export_formats import EXPORT_RESPONSES, page_or_file
from app.routing import UnitOfWorkRoute, set_etag
from app.schemas.calendar import CalendarFeedCreate, CalendarFeedCreated, CalendarFeedRead
from app.schemas.common import Page
from app.services import calendar_feeds
from app.services.calendar_ics import MEDIA_TYPE

router = APIRouter(
    prefix="/api/v1/calendar-feeds", tags=["calendar-feeds"], route_class=UnitOfWorkRoute
)
ICS: dict[int | str, dict[str, Any]] = {200: {"description": "An iCalendar (RFC 5545) document"}}
Token = Annotated[str, Path(max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]


class CalendarResponse(Response):
    """An iCalendar answer (Starlette adds ``; charset=utf-8`` to the header)."""

    media_type = MEDIA_TYPE


@router.get(
    "/{token}.ics",
    operation_id="get_calendar_feed_ics",
    summary="Read a calendar feed (the URL's token is the credential)",
    response_class=CalendarResponse,
    response_model=None,
    responses=ICS,
)
async def get_feed(token: Token, session: SessionDep) -> CalendarResponse:
    """No bearer token: subscribe a calendar app to this URL. Unknown, revoked, and feeds whose
    owner was deactivated or lost sight of the subject all answer 404."""
    body = await calendar_feeds.fetch(session, token)
    return CalendarResponse(body, headers={"Cache-Control": "private, max-age=300"})


@router.post(
    "",
    operation_id="create_calendar_feed",
    summary="Create a secret calendar feed URL (shown once)",
    response_model=CalendarFeedCreated,
    status_code=status.HTTP_201_CREATED,
)
async def create_feed(
    body: CalendarFeedCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
) -> Any:
    """`learner`: a learner's calendar (yours when you are the learner and omit `subject_id`);
    `cohort`: a cohort's (CFA staff and referents); `tutor`: the CFA days of your apprentices."""
    feed, token = await calendar_feeds.create(session, principal, body)
    set_etag(response, feed.version)
    return CalendarFeedCreated.model_validate(
        {
            **CalendarFeedRead.model_validate(feed).model_dump(),
            "token": token,
            "url": calendar_feeds.url_of(token),
        }
    )


@router.get(
    "",
    operation_id="list_calendar_feeds",
    summary="List your calendar feeds",
    response_model=Page[CalendarFeedRead],
    responses=EXPORT_RESPONSES,
)
async def list_feeds(
    request: Request, session: SessionDep, principal: CurrentPrincipal, page: PageDep
) -> Any:
    """Never their tokens (nor URLs): those are shown once, at creation."""

    async def fetch(wanted: PageRequest) -> tuple[list[CalendarFeedRead], str | None]:
        rows, cursor = await calendar_feeds.list_mine(session, principal, wanted)
        return [CalendarFeedRead.model_validate(r) for r in rows], cursor

    return await page_or_file(request, CalendarFeedRead, fetch, "calendar_feeds", page)


@router.delete(
    "/{feed_id}",
    operation_id="revoke_calendar_feed",
    summary="Revoke one of your calendar feeds",
    status_code=status.HTTP_204_NO_CONTENT,
)
async def revoke_feed(
    feed_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
) -> Response:
    await calendar_feeds.revoke(session, principal, feed_id, expected_version)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
