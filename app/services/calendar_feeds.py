"""Secret calendar feed URLs: calendar apps cannot send a bearer token, so the URL's token is
the credential. It is shown once, stored only as a SHA-256 digest, and revocable.

What a feed shows is computed on every fetch with its owner's *current* scope: a feed whose
owner was deactivated, lost the role, or can no longer see the learner answers 404, exactly
like an unknown or revoked token (nothing tells them apart)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.core.security import digest, new_opaque_token
from app.errors import Forbidden, NotFound, ValidationFailed, not_found
from app.models import CalendarFeed, Cohort, Learner, Role, User
from app.models.base import utcnow
from app.pagination import PageRequest, paginate
from app.schemas.calendar import CalendarFeedCreate
from app.services import calendar_ics, records, scope

NAME = "calendar_feed"
FEED_PATH = "/api/v1/calendar-feeds/{token}.ics"


def url_of(token: str) -> str:
    return FEED_PATH.format(token=token)


def may_follow_cohorts(principal: Principal) -> bool:
    """Cohort feeds are for the CFA side: staff who see the organisation, and referents."""
    return principal.sees_whole_organisation or Role.referent in principal.roles


async def _subject_id(
    session: AsyncSession, principal: Principal, data: CalendarFeedCreate
) -> str | None:
    where = ["body", "subject_id"]
    if data.subject_type == "tutor":
        if Role.tutor not in principal.roles:
            raise Forbidden("Only a tutor has a feed of their apprentices.")
        if data.subject_id is not None:
            raise ValidationFailed.on(where, "A tutor feed covers your apprentices: no subject_id.")
        return None
    if data.subject_type == "cohort":
        if not may_follow_cohorts(principal):
            raise Forbidden("Cohort feeds are for the CFA's staff and referents.")
        found = await session.scalar(
            select(Cohort.id).where(
                Cohort.organisation_id == principal.organisation_id, Cohort.id == data.subject_id
            )
        )
        if data.subject_id is None or found is None:
            raise ValidationFailed.on(where, "No such cohort.")
        return found
    if data.subject_id is None:
        # A learner's own calendar.
        own = await session.scalar(
            select(Learner.id).where(
                Learner.organisation_id == principal.organisation_id,
                Learner.user_id == principal.id,
            )
        )
        if own is None:
            raise ValidationFailed.on(where, "Say which learner.")
        return own
    visible = await session.scalar(
        select(Learner.id).where(scope.learner_condition(principal), Learner.id == data.subject_id)
    )
    if visible is None:
        raise ValidationFailed.on(where, "No such learner among those you may see.")
    return visible


async def create(
    session: AsyncSession, principal: Principal, data: CalendarFeedCreate
) -> tuple[CalendarFeed, str]:
    """The feed and its token (shown this once)."""
    if principal.user_id is None:
        raise Forbidden("Calendar feeds belong to people, not to API clients.")
    subject_id = await _subject_id(session, principal, data)
    token = new_opaque_token()
    feed = CalendarFeed(
        user_id=principal.id,
        subject_type=data.subject_type,
        subject_id=subject_id,
        token_hash=digest(token),
    )
    return await records.create(session, principal, feed, NAME), token


def _mine(principal: Principal) -> Select[Any]:
    return select(CalendarFeed).where(
        CalendarFeed.organisation_id == principal.organisation_id,
        CalendarFeed.user_id == principal.id,
    )


async def list_mine(
    session: AsyncSession, principal: Principal, page: PageRequest
) -> tuple[list[CalendarFeed], str | None]:
    return await paginate(session, _mine(principal), CalendarFeed, page)


async def revoke(
    session: AsyncSession, principal: Principal, feed_id: str, expected_version: int | None
) -> None:
    feed = await session.scalar(_mine(principal).where(CalendarFeed.id == feed_id))
    if feed is None:
        raise not_found("calendar feed", feed_id)
    records.check_version(feed, expected_version)
    if feed.revoked_at is None:
        await records.update(
            session, principal, feed, {"revoked_at": utcnow()}, NAME, action="revoke"
        )


_GONE = "No such calendar feed, or it was revoked."


async def fetch(session: AsyncSession, token: str) -> bytes:
    """The feed's calendar, seen with its owner's current scope."""
    feed = await session.scalar(
        select(CalendarFeed).where(CalendarFeed.token_hash == digest(token))
    )
    if feed is None or feed.revoked_at is not None:
        raise NotFound(_GONE)
    owner = await session.scalar(
        select(User).where(User.id == feed.user_id, User.organisation_id == feed.organisation_id)
    )
    if owner is None or not owner.active:
        raise NotFound(_GONE)
    principal = Principal(
        kind="user",
        id=owner.id,
        organisation_id=owner.organisation_id,
        roles=frozenset(owner.roles),
    )
    try:
        if feed.subject_type == "tutor" and Role.tutor in principal.roles:
            return await calendar_ics.tutor_ics(session, principal)
        if feed.subject_type == "cohort" and may_follow_cohorts(principal) and feed.subject_id:
            return await calendar_ics.cohort_ics(session, principal, feed.subject_id)
        if feed.subject_type == "learner" and feed.subject_id:
            return await calendar_ics.learner_ics(session, principal, feed.subject_id)
    except NotFound:
        pass  # the subject left the owner's scope: say no more than for a bad token
    raise NotFound(_GONE)
